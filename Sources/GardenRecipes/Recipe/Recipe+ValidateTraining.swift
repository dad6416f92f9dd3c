import Foundation

extension Recipe {
    /// The rules of `train:`: loop counts, the optimizer, its learning-rate schedule and
    /// clipping, evaluation and checkpoint retention.
    func validateTraining(_ rules: inout RecipeRules) {
        rules.nonNegative("train.gradient_clip_norm", train.gradientClipNorm)
        rules.positive("train.eval_every", train.evalEvery)
        rules.nonNegative("train.keep_checkpoints", train.keepCheckpoints)
        if train.bestMetric.isEmpty {
            rules.fail("train.best_metric", "must name an eval metric, got ''")
        }
        switch train.optimizer {
        case let .sgd(config):
            rules.rate("train.optimizer.momentum", config.momentum)
            if config.nesterov && config.momentum == 0 {
                rules.fail(
                    "train.optimizer.nesterov", "needs train.optimizer.momentum greater than 0")
            }
        case let .adam(config), let .adamw(config):
            rules.rate("train.optimizer.beta_1", config.beta1)
            rules.rate("train.optimizer.beta_2", config.beta2)
            rules.positive("train.optimizer.epsilon", config.epsilon)
            if config.isDecoupled { rules.rate("train.optimizer.weight_decay", config.weightDecay) }
        }
        let lr = train.optimizer.learningRate, key = "train.optimizer.learning_rate."
        rules.positive(key + "initial_learning_rate", lr.initialLearningRate)
        rules.nonNegative(key + "warmup_steps", lr.warmupSteps)
        rules.nonNegative(key + "decay_steps", lr.decaySteps)
        rules.nonNegative(key + "end_learning_rate", lr.endLearningRate)
        rules.positive(key + "power", lr.power)
        if lr.endLearningRate > lr.initialLearningRate {
            rules.fail(
                key + "end_learning_rate",
                "must be at most initial_learning_rate (\(lr.initialLearningRate)), got \(lr.endLearningRate)"
            )
        }
    }
}
