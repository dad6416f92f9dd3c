import Foundation

/// A small ResNet image classifier (He et al., 2016): a 3x3 stem conv + batch norm + ReLU,
/// stages of basic residual blocks, a global spatial mean (`reduce_mean`) and a dense `fc`
/// layer to `numClasses` logits. Its layers are named, so the export can extract the network
/// up to one of them (`export.extract_to`).
public struct ResNetModelConfig: RecipeSection {
    /// The training image height and width (the exported feature vector takes any size).
    public var inputSize: Int
    /// The image channels (3 for RGB).
    public var inputChannels: Int
    /// The filters of the stem convolution.
    public var stemFilters: Int
    /// The width of each stage; its count is the number of stages.
    public var stageFilters: [Int]
    /// The stride of each stage's first block.
    public var stageStrides: [Int]
    /// The residual blocks of each stage.
    public var blocksPerStage: Int
    /// The number of output logits.
    public var numClasses: Int
    /// The penalty on every convolution and dense kernel (`l2` or `none`).
    public var kernelRegularizer: RegularizerConfig

    /// Creates a `resnet` model config.
    /// - Parameters:
    ///   - inputSize: The training image height and width.
    ///   - inputChannels: The image channels.
    ///   - stemFilters: The filters of the stem convolution.
    ///   - stageFilters: The width of each stage.
    ///   - stageStrides: The stride of each stage's first block.
    ///   - blocksPerStage: The residual blocks of each stage.
    ///   - numClasses: The number of output logits.
    ///   - kernelRegularizer: The penalty on every kernel.
    public init(
        inputSize: Int, inputChannels: Int, stemFilters: Int, stageFilters: [Int],
        stageStrides: [Int], blocksPerStage: Int, numClasses: Int,
        kernelRegularizer: RegularizerConfig
    ) {
        self.inputSize = inputSize
        self.inputChannels = inputChannels
        self.stemFilters = stemFilters
        self.stageFilters = stageFilters
        self.stageStrides = stageStrides
        self.blocksPerStage = blocksPerStage
        self.numClasses = numClasses
        self.kernelRegularizer = kernelRegularizer
    }

    /// The `model.type: resnet` keys.
    public static let variant = ConfigOneOfSchema.Variant(
        "resnet", "ResNet image classifier with named layers (He et al., 2016)",
        [
            .int("input_size", 32, "Training image height and width; the export takes any size."),
            .int("input_channels", 3, "Image channels."),
            .int("stem_filters", 16, "Filters of the 3x3 stem convolution."),
            .intList("stage_filters", [16, 32, 64], "Width of each residual stage, in order."),
            .intList("stage_strides", [1, 2, 2], "Stride of each stage's first block."),
            .int("blocks_per_stage", 1, "Basic residual blocks in each stage."),
            .int("num_classes", 10, "Number of output logits."),
            .mapping(
                "kernel_regularizer", RegularizerConfig.schema,
                "Penalty on every convolution and dense kernel (l2 or none)."),
        ])

    /// Reads the section from a resolved tree.
    public init(config: ConfigView) throws {
        inputSize = try config.int("input_size")
        inputChannels = try config.int("input_channels")
        stemFilters = try config.int("stem_filters")
        stageFilters = try config.intList("stage_filters")
        stageStrides = try config.intList("stage_strides")
        blocksPerStage = try config.int("blocks_per_stage")
        numClasses = try config.int("num_classes")
        kernelRegularizer = try RegularizerConfig(config: config.child("kernel_regularizer"))
    }

    /// The section as a tree.
    public var configNode: ConfigNode {
        .mapping([
            "type": .string(Self.variant.name),
            "input_size": .int(inputSize),
            "input_channels": .int(inputChannels),
            "stem_filters": .int(stemFilters),
            "stage_filters": .intList(stageFilters),
            "stage_strides": .intList(stageStrides),
            "blocks_per_stage": .int(blocksPerStage),
            "num_classes": .int(numClasses),
            "kernel_regularizer": kernelRegularizer.configNode,
        ])
    }

    /// The layer names of the classifier, in order: what `export.extract_to` and
    /// `--extract-to` may name (`ResNetClassifier` builds the same list).
    public var layerNames: [String] {
        ["stem"] + stageFilters.indices.map { "stage\($0 + 1)" } + ["reduce_mean", "fc"]
    }

    /// Adds the rules of a `resnet` model (and its `export.extract_to`) to `rules`.
    func validate(extractTo: String, into rules: inout RecipeRules) {
        rules.positive("model.input_size", inputSize)
        rules.positive("model.input_channels", inputChannels)
        rules.positive("model.stem_filters", stemFilters)
        if stageFilters.isEmpty {
            rules.fail("model.stage_filters", "must list at least one stage width, got []")
        }
        for (index, filters) in stageFilters.enumerated() {
            rules.positive("model.stage_filters[\(index)]", filters)
        }
        if stageStrides.count != stageFilters.count {
            rules.fail(
                "model.stage_strides",
                "must have one stride per stage (\(stageFilters.count), as model.stage_filters), "
                    + "got \(stageStrides.count)")
        }
        for (index, stride) in stageStrides.enumerated() {
            rules.positive("model.stage_strides[\(index)]", stride)
        }
        rules.positive("model.blocks_per_stage", blocksPerStage)
        rules.positive("model.num_classes", numClasses)
        // The classifier takes one L2 factor (Keras `l2`), as Model Garden's ResNet does.
        if kernelRegularizer.kind != .l2 && kernelRegularizer.kind != .none {
            rules.fail(
                "model.kernel_regularizer.type",
                "must be l2 or none for model.type resnet, got \(kernelRegularizer.kind.rawValue)")
        }
        rules.nonNegative("model.kernel_regularizer.l2", kernelRegularizer.l2)
        if !layerNames.contains(extractTo) {
            rules.fail(
                "export.extract_to",
                "must name a layer of the model (\(layerNames.joined(separator: ", "))), "
                    + "got '\(extractTo)'")
        }
    }
}
