import Foundation
import GardenModels

extension Recipe {
    /// Checks the rules between and within keys that types alone cannot express
    /// (Model Garden's `restrictions`). Errors name the dotted key; `RecipeLoader` adds the
    /// file and line where it was set.
    /// - Throws: `RecipeError.invalidValue` for the first broken rule.
    /// - Parameter memoryLimit: The bytes the recipe may need (`MemoryEstimate`); the
    ///   machine's physical memory by default.
    public func validate(memoryLimit: Int = MemoryEstimate.physicalMemory) throws {
        var rules = RecipeRules()
        // `name` becomes the folder runs/<name>: one path component, printable, and short
        // enough for every file system (NAME_MAX is 255 bytes).
        let control = name.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
        if name.isEmpty || name.contains("/") || name == "." || name == ".." || control
            || name.utf8.count > 255
        {
            throw RecipeError.invalidValue(
                location: nil, path: "name",
                reason: "must be a folder name (1 to 255 bytes, no '/' or control characters, "
                    + "not '.' or '..'), got '\(ConfigLocation.abbreviated(ConfigEmitter.escaped(name)))'"
            )
        }
        // Any non-negative Int is a seed (Philox takes all 64 bits).
        if seed < 0 { rules.fail("seed", "must be 0 or greater, got \(seed)") }

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
            validateBert(config.encoder, into: &rules)
        case let .imageClassifier(config):
            config.validate(into: &rules)
        case let .bertClassifier(config):
            validateBert(config.encoder, into: &rules)
            if config.numClasses < 2 || config.numClasses > RecipeRules.maxCount {
                rules.range("model.num_classes", config.numClasses, 2...RecipeRules.maxCount)
            }
            rules.rate("model.classifier_dropout_rate", config.classifierDropoutRate)
        }
        if data.source == .text && model.typeName != BertPretrainer.Config.typeName {
            rules.fail(
                "data.source", "text needs model.type bert_pretrainer, got \(model.typeName)")
        }
        if data.source == .csv && model.typeName != BertClassifier.Config.typeName {
            rules.fail(
                "data.source", "csv needs model.type bert_classifier, got \(model.typeName)")
        }

        if data.evalPath != nil && data.source != .csv {
            rules.fail("data.eval_path", "needs data.source csv, got \(data.source.rawValue)")
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
                rules.fail(
                    "data.eval_fraction",
                    "holds out no example of data.num_examples (\(data.numExamples)), got \(data.evalFraction)"
                )
            }
            if data.numExamples - held < data.batchSize && data.batchSize <= data.numExamples {
                rules.fail(
                    "data.eval_fraction",
                    "leaves \(data.numExamples - held) training examples, fewer than data.batch_size (\(data.batchSize))"
                )
            }
        }

        rules.positive("train.steps", train.steps)
        rules.positive("train.log_every", train.logEvery)
        rules.positive("train.checkpoint_every", train.checkpointEvery)
        rules.range("train.threads", train.threads, 1...RecipeRules.maxThreads)
        validateTraining(&rules)

        if export.type != model.typeName {
            rules.fail(
                "export.type", "must be the model.type (\(model.typeName)), got '\(export.type)'")
        }
        if let rate = export.dropoutRate { rules.rate("export.dropout_rate", rate) }
        if let failure = rules.failures.first { throw failure }
        try checkMemory(limit: memoryLimit)
    }

    /// Refuses a recipe whose estimated training memory exceeds `limit`, naming the key
    /// behind the largest part. Runs after the range rules, so every size is in range.
    func checkMemory(limit: Int) throws {
        let estimate = MemoryEstimate(self)
        guard estimate.total > limit else { return }
        let parts = estimate.parts.map { "\($0.name) \(MemoryEstimate.describe($0.bytes))" }
        throw RecipeError.invalidValue(
            location: nil, path: estimate.dominant.key,
            reason: "makes training need about \(MemoryEstimate.describe(estimate.total)) ("
                + parts.joined(separator: ", ") + "), more than this machine's "
                + "\(MemoryEstimate.describe(limit)) of memory")
    }
}

/// Collects broken rules in the order checked; `validate()` reports the first.
struct RecipeRules {
    /// The largest count or size any key takes: TensorFlow's int32 ids and the HDF5 and
    /// bundle readers stay in range, and a product of two keys cannot overflow `Int`.
    static let maxCount = Int(Int32.max)
    /// The most compute threads: OpenBLAS' own ceiling for a build's thread buffers is of this
    /// order, and more threads than that only add contention on any machine we run on.
    static let maxThreads = 256

    var failures: [RecipeError] = []

    mutating func fail(_ path: String, _ reason: String) {
        failures.append(.invalidValue(location: nil, path: path, reason: reason))
    }

    mutating func positive(_ path: String, _ value: Int) {
        if value <= 0 { fail(path, "must be greater than 0, got \(value)") }
        if value > Self.maxCount { fail(path, "must be at most \(Self.maxCount), got \(value)") }
    }

    mutating func nonNegative(_ path: String, _ value: Int) {
        if value < 0 { fail(path, "must be 0 or greater, got \(value)") }
        if value > Self.maxCount { fail(path, "must be at most \(Self.maxCount), got \(value)") }
    }

    mutating func range(_ path: String, _ value: Int, _ range: ClosedRange<Int>) {
        if !range.contains(value) {
            fail(path, "must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
        }
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
