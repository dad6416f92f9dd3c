import GardenTrain

/// Builds the optimizer and learning-rate schedule a recipe names.
public enum OptimizerFactory {
    /// - Returns: The optimizer and the learning rate at each 1-based step.
    public static func make(_ recipe: Recipe) -> (
        optimizer: Optimizer, learningRate: (Int) -> Float
    ) {
        let o = recipe.train.optimizer
        let schedule = o.learningRate.schedule(totalSteps: recipe.train.steps)
        let rate: (Int) -> Float = { schedule.rate(at: $0) }
        switch o {
        case .sgd(let c): return (SGD(momentum: c.momentum, nesterov: c.nesterov), rate)
        case .adam(let c), .adamw(let c):
            return (
                Adam(
                    beta1: c.beta1, beta2: c.beta2, epsilon: c.epsilon, weightDecay: c.weightDecay),
                rate
            )
        }
    }
}
