import GardenConfig
import GardenNN

extension ResNetClassifier {
    /// The classifier's hyperparameters, and the recipe's `model.type: resnet` section: each key
    /// is declared once in `keys`, its default is the property's initial value.
    public struct Config: ConfigVariant, Hashable {
        /// The training image height and width (the signature accepts any size).
        public var inputSize = 32
        /// The image channels (3 for RGB).
        public var inputChannels = 3
        /// The filters of the stem convolution.
        public var stemFilters = 16
        /// The width of each stage; its count is the number of stages.
        public var stageFilters = [16, 32, 64]
        /// The stride of each stage's first block.
        public var stageStrides = [1, 2, 2]
        /// The residual blocks of each stage.
        public var blocksPerStage = 1
        /// The number of output logits.
        public var numClasses = 10
        /// The penalty on every convolution and dense kernel (`l2` or `none`, as Model
        /// Garden's ResNet takes one L2 factor).
        public var kernelRegularizer = Regularizer()

        /// The recipe defaults.
        public init() {}

        /// The recipe defaults with the given keys replaced.
        public init(
            inputSize: Int? = nil, inputChannels: Int? = nil, stemFilters: Int? = nil,
            stageFilters: [Int]? = nil, stageStrides: [Int]? = nil, blocksPerStage: Int? = nil,
            numClasses: Int? = nil, kernelRegularizer: Regularizer? = nil
        ) {
            inputSize.map { self.inputSize = $0 }
            inputChannels.map { self.inputChannels = $0 }
            stemFilters.map { self.stemFilters = $0 }
            stageFilters.map { self.stageFilters = $0 }
            stageStrides.map { self.stageStrides = $0 }
            blocksPerStage.map { self.blocksPerStage = $0 }
            numClasses.map { self.numClasses = $0 }
            kernelRegularizer.map { self.kernelRegularizer = $0 }
        }

        public static let typeName = "resnet"
        public static let summary = "ResNet image classifier with named layers (He et al., 2016)"
        public static let keys: [ConfigKey<Config>] = [
            .int(
                "input_size", \.inputSize,
                "Training image height and width; the export takes any size."),
            .int("input_channels", \.inputChannels, "Image channels."),
            .int("stem_filters", \.stemFilters, "Filters of the 3x3 stem convolution."),
            .intList(
                "stage_filters", \.stageFilters, "Width of each residual stage, in order."),
            .intList("stage_strides", \.stageStrides, "Stride of each stage's first block."),
            .int("blocks_per_stage", \.blocksPerStage, "Basic residual blocks in each stage."),
            .int("num_classes", \.numClasses, "Number of output logits."),
            .section(
                "kernel_regularizer", \.kernelRegularizer,
                "Penalty on every convolution and dense kernel (l2 or none)."),
        ]

        /// The layer names of the classifier, in order: what `export.extract_to` and
        /// `--extract-to` may name (`ResNetClassifier` builds the same list).
        public var layerNames: [String] {
            ["stem"] + stageFilters.indices.map { "stage\($0 + 1)" } + ["reduce_mean", "fc"]
        }
    }
}
