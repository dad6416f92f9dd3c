import Foundation
import GardenHDF5
import GardenModels

/// What a recipe needs in memory to train, estimated from its keys before anything is
/// allocated: the parameters with their gradients and optimizer slots, the activations one
/// step keeps for the backward pass, and the data set (generated or read, plus the copies the
/// eval split makes). The figures are deliberate lower bounds of what the kernels use, so a
/// recipe refused here could not have run; they catch `model.input_size: 100000000` (409 GB)
/// before it aborts in the allocator.
///
/// All arithmetic is checked: a product that overflows `Int` counts as `Int.max` bytes.
public struct MemoryEstimate: Equatable, Sendable {
    /// One part of the estimate and the key that sets its size.
    public struct Part: Equatable, Sendable {
        /// What the bytes are for ("parameters and optimizer", "activations", "data").
        public var name: String
        /// The bytes (`Int.max` when the count overflowed).
        public var bytes: Int
        /// The recipe key that drives this part.
        public var key: String
    }

    /// The parts, in a fixed order.
    public var parts: [Part]

    /// The total bytes (`Int.max` when it overflowed).
    public var total: Int { parts.reduce(0) { checkedSum($0, $1.bytes) } }

    /// The largest part: the one whose key the error names.
    public var dominant: Part {
        parts.max { $0.bytes < $1.bytes } ?? Part(name: "parameters", bytes: 0, key: "model")
    }

    /// The estimate for `recipe` (its keys already checked for range by `validate()`).
    public init(_ recipe: Recipe) {
        let d = recipe.data
        let batch = d.batchSize
        let model:
            (
                parameters: Int, parameterKey: String, activations: Int, activationKey: String,
                example: Int, exampleKey: String
            )
        switch recipe.model {
        case .mul:
            model = (
                1, "model", checkedProduct(batch, 4), "data.batch_size", 2, "data.num_examples"
            )
        case let .mlp(c):
            let widths = [c.inputSize] + c.hiddenSizes + [c.numClasses]
            let keys =
                ["model.input_size"] + c.hiddenSizes.indices.map { "model.hidden_sizes[\($0)]" }
                + ["model.num_classes"]
            var parameters = 0
            for (input, output) in zip(widths, widths.dropFirst()) {
                parameters = checkedSum(parameters, checkedProduct(checkedSum(input, 1), output))
            }
            // Pre-activation, activation, dropout mask and gradient of every layer's output.
            let activations = checkedProduct(batch, widths.reduce(0) { checkedSum($0, $1) }, 4)
            let widest = keys[widths.indices.max { widths[$0] < widths[$1] } ?? 0]
            model = (
                parameters, widest, activations, "data.batch_size", checkedSum(c.inputSize, 1),
                c.inputSize > d.numExamples ? "model.input_size" : "data.num_examples"
            )
        case let .resnet(c):
            model = Self.resnet(c, batch: batch, numExamples: d.numExamples)
        case let .bertPretrainer(c):
            model = Self.bert(c.encoder, data: d)
        case let .imageClassifier(c):
            // The whole backbone and a head as wide as `fc`: at most what the cut one needs.
            model = Self.resnet(c.backbone, batch: batch, numExamples: d.numExamples)
        case let .bertClassifier(c):
            model = Self.bert(c.encoder, data: d)
        }
        let slots: Int
        switch recipe.train.optimizer {
        case let .sgd(config): slots = config.momentum > 0 ? 1 : 0
        case .adam, .adamw: slots = 2
        }
        // The value, its gradient and the optimizer's slots, as float32.
        let parameterBytes = checkedProduct(model.parameters, checkedSum(2, slots), 4)
        // Generation or reading makes the examples once and the eval split copies them.
        let dataBytes = checkedProduct(d.numExamples, model.example, 4, 2)
        parts = [
            Part(name: "parameters and optimizer", bytes: parameterBytes, key: model.parameterKey),
            Part(
                name: "activations of one step", bytes: checkedProduct(model.activations, 4),
                key: model.activationKey),
            Part(name: "data", bytes: dataBytes, key: model.exampleKey),
        ]
    }

    private static func resnet(_ c: ResNetClassifier.Config, batch: Int, numExamples: Int)
        -> (Int, String, Int, String, Int, String)
    {
        var parameters = checkedSum(
            checkedProduct(9, c.inputChannels, c.stemFilters), checkedProduct(4, c.stemFilters))
        var side = c.inputSize
        // Conv output, batch-norm output and ReLU output of the stem.
        var activations = checkedProduct(batch, side, side, c.stemFilters, 3)
        var channels = c.stemFilters
        for (filters, stride) in zip(c.stageFilters, c.stageStrides) {
            side = (side + max(stride, 1) - 1) / max(stride, 1)
            for block in 0..<c.blocksPerStage {
                let input = block == 0 ? channels : filters
                parameters = checkedSum(
                    parameters, checkedProduct(9, input, filters),
                    checkedProduct(9, filters, filters), checkedProduct(8, filters))
                if block == 0 && (stride != 1 || input != filters) {
                    parameters = checkedSum(
                        parameters, checkedProduct(input, filters), checkedProduct(4, filters))
                }
                // Two convolutions, two batch norms, two ReLUs and the sum of a basic block.
                activations = checkedSum(activations, checkedProduct(batch, side, side, filters, 7))
            }
            channels = filters
        }
        parameters = checkedSum(parameters, checkedProduct(checkedSum(channels, 1), c.numClasses))
        let sizes =
            [("model.stem_filters", c.stemFilters), ("model.num_classes", c.numClasses)]
            + c.stageFilters.enumerated().map { ("model.stage_filters[\($0.offset)]", $0.element) }
        let widest = sizes.max { $0.1 < $1.1 }?.0 ?? "model.stem_filters"
        let pixels = checkedSum(checkedProduct(c.inputSize, c.inputSize, c.inputChannels), 1)
        return (
            parameters, widest, activations,
            checkedProduct(c.inputSize, c.inputSize) > batch
                ? "model.input_size" : "data.batch_size",
            pixels, pixels > numExamples ? "model.input_size" : "data.num_examples"
        )
    }

    private static func bert(_ c: BertEncoder.Config, data d: DataConfig)
        -> (Int, String, Int, String, Int, String)
    {
        let v = c.vocabSize ?? d.vocabSize, h = c.hiddenSize, i = c.intermediateSize
        let embeddings = checkedSum(
            checkedProduct(checkedSum(v, c.maxSequenceLength, c.typeVocabSize), h),
            checkedProduct(2, h))
        // Attention (4 H x H + biases), feed-forward (2 H x I + biases) and two layer norms.
        let layer = checkedSum(
            checkedProduct(4, h, h), checkedProduct(2, h, i), checkedProduct(9, h), i)
        // Pooler, masked-LM transform and output bias, next-sentence head.
        let heads = checkedSum(checkedProduct(2, h, h), checkedProduct(6, h), v, 2)
        let parameters = checkedSum(embeddings, checkedProduct(c.numLayers, layer), heads)
        let tokens = checkedProduct(d.batchSize, d.seqLength)
        // Per block: about ten H-wide and three I-wide tensors per token, plus the scores,
        // probabilities and dropout mask of every head; then the masked-LM logits.
        let block = checkedSum(
            checkedProduct(tokens, checkedSum(checkedProduct(10, h), checkedProduct(3, i))),
            checkedProduct(d.batchSize, c.numAttentionHeads, d.seqLength, d.seqLength, 3))
        let activations = checkedSum(
            checkedProduct(c.numLayers, block), checkedProduct(tokens, h, 4),
            checkedProduct(d.batchSize, d.maxPredictionsPerSeq, v, 3))
        let parameterKey =
            checkedProduct(v, h) >= checkedProduct(c.numLayers, layer)
            ? (c.vocabSize == nil ? "data.vocab_size" : "model.vocab_size")
            : (i > h ? "model.intermediate_size" : "model.hidden_size")
        // Word, mask and type ids per token; positions, ids and weights per prediction.
        let example = checkedSum(
            checkedProduct(3, d.seqLength), checkedProduct(3, d.maxPredictionsPerSeq), 1)
        return (
            parameters, parameterKey, activations, "data.batch_size", example, "data.num_examples"
        )
    }

    /// The memory training may use in bytes: `MemTotal` of /proc/meminfo, or the cgroup's
    /// `memory.max` when lower (`MachineMemory`).
    public static var physicalMemory: Int { MachineMemory.available }

    /// `bytes` for people: "409.6 GB", "12.0 MB" (powers of 1000, one decimal).
    public static func describe(_ bytes: Int) -> String {
        if bytes == Int.max { return "more than 9.2 EB" }
        let units = ["bytes", "KB", "MB", "GB", "TB", "PB", "EB"]
        var value = Double(bytes), unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(bytes) bytes" : String(format: "%.1f", value) + " " + units[unit]
    }
}

/// `a * b * ...`, or `Int.max` when it overflows (negative factors count as 0).
func checkedProduct(_ factors: Int...) -> Int {
    var product = 1
    for factor in factors {
        let (result, overflow) = product.multipliedReportingOverflow(by: max(factor, 0))
        if overflow { return Int.max }
        product = result
    }
    return product
}

/// `a + b + ...`, or `Int.max` when it overflows (negative terms count as 0).
func checkedSum(_ terms: Int...) -> Int {
    var sum = 0
    for term in terms {
        let (result, overflow) = sum.addingReportingOverflow(max(term, 0))
        if overflow { return Int.max }
        sum = result
    }
    return sum
}
