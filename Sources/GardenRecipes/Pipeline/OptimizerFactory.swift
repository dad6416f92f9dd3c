import GardenTrain

/// Builds the optimizer and learning-rate schedule a recipe names.
public enum OptimizerFactory {
    public static func make(_ recipe: Recipe) -> (optimizer: Optimizer, learningRate: (Int) -> Float) {
        let o = recipe.train.optimizer
        let lr = o.learningRate
        switch o {
        case .sgd(let c): return (SGD(momentum: c.momentum), { _ in lr })
        case .adam(let c):
            return (Adam(beta1: c.beta1, beta2: c.beta2, epsilon: c.epsilon), { _ in lr })
        }
    }
}
