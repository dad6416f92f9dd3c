import Foundation

extension Recipe {
    /// Checks the rules between and within keys that types alone cannot express
    /// (Model Garden's `restrictions`). Errors name the dotted key; `RecipeLoader` adds the
    /// file and line where it was set.
    /// - Throws: `RecipeError.invalidValue` for the first broken rule.
    public func validate() throws {
        var rules = RecipeRules()
        if name.isEmpty || name.contains("/") || name == "." || name == ".." {
            throw RecipeError.invalidValue(
                location: nil, path: "name",
                reason: "must be a folder name (not empty, no '/'), got '\(name)'")
        }
        rules.nonNegative("seed", seed)

        switch model {
        case let .mul(config):
            rules.nonNegative("model.regularization", config.regularization)
        case let .mlp(config):
            rules.positive("model.input_size", config.inputSize)
            if config.hiddenSizes.isEmpty {
                rules.fail("model.hidden_sizes", "must list at least one layer size, got []")
            }
            for (index, size) in config.hiddenSizes.enumerated() {
                rules.positive("model.hidden_sizes[\(index)]", size)
            }
            rules.positive("model.num_classes", config.numClasses)
            rules.rate("model.dropout_rate", config.dropoutRate)
            rules.nonNegative("model.kernel_regularizer.l1", config.kernelRegularizer.l1)
            rules.nonNegative("model.kernel_regularizer.l2", config.kernelRegularizer.l2)
        case let .resnet(config):
            config.validate(extractTo: export.extractTo, into: &rules)
        case let .bertPretrainer(config):
            validateBert(config, into: &rules)
        }
        if data.source == .text && model.typeName != BertModelConfig.variant.name {
            rules.fail("data.source", "text needs model.type bert_pretrainer, got \(model.typeName)")
        }

        if data.source == .hdf5 && (data.path ?? "").isEmpty {
            rules.fail("data.path", "is required when data.source is hdf5")
        }
        rules.positive("data.num_examples", data.numExamples)
        rules.positive("data.batch_size", data.batchSize)
        if data.source == .synthetic && data.batchSize > data.numExamples {
            rules.fail(
                "data.batch_size",
                "must be at most data.num_examples (\(data.numExamples)), got \(data.batchSize)")
        }
        rules.nonNegative("data.noise", data.noise)
        rules.rate("data.eval_fraction", data.evalFraction)
        if data.source == .synthetic {
            let held = data.evalExamples(of: data.numExamples)
            if data.evalFraction > 0 && held == 0 {
                rules.fail("data.eval_fraction", "holds out no example of data.num_examples (\(data.numExamples)), got \(data.evalFraction)")
            }
            if data.numExamples - held < data.batchSize && data.batchSize <= data.numExamples {
                rules.fail("data.eval_fraction", "leaves \(data.numExamples - held) training examples, fewer than data.batch_size (\(data.batchSize))")
            }
        }

        rules.positive("train.steps", train.steps)
        rules.positive("train.log_every", train.logEvery)
        rules.positive("train.checkpoint_every", train.checkpointEvery)
        rules.positive("train.threads", train.threads)
        validateTraining(&rules)

        if let rate = export.dropoutRate { rules.rate("export.dropout_rate", rate) }
        if let failure = rules.failures.first { throw failure }
    }
}

/// Collects broken rules in the order checked; `validate()` reports the first.
struct RecipeRules {
    var failures: [RecipeError] = []

    mutating func fail(_ path: String, _ reason: String) {
        failures.append(.invalidValue(location: nil, path: path, reason: reason))
    }

    mutating func positive(_ path: String, _ value: Int) {
        if value <= 0 { fail(path, "must be greater than 0, got \(value)") }
    }

    mutating func nonNegative(_ path: String, _ value: Int) {
        if value < 0 { fail(path, "must be 0 or greater, got \(value)") }
    }

    mutating func positive(_ path: String, _ value: Float) {
        if !(value > 0) || !value.isFinite {
            fail(path, "must be a finite number greater than 0, got \(value)")
        }
    }

    mutating func nonNegative(_ path: String, _ value: Float) {
        if !(value >= 0) || !value.isFinite {
            fail(path, "must be a finite number, 0 or greater, got \(value)")
        }
    }

    /// Rates and decays live in [0, 1): 1 would drop everything or never forget.
    mutating func rate(_ path: String, _ value: Float) {
        if !(value >= 0 && value < 1) { fail(path, "must be in [0, 1), got \(value)") }
    }
}
