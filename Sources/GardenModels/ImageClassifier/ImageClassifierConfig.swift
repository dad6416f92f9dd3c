import GardenConfig
import GardenNN

extension ImageClassifier {
    /// The fine-tuning classifier's hyperparameters, and the recipe's `model.type:
    /// image_classifier` section: the `resnet` model's keys describe the backbone (declared once,
    /// in `ResNetClassifier.Config`; `num_classes` and `kernel_regularizer` are the head's too),
    /// then the cut, the head's dropout and the frozen layers.
    public struct Config: ConfigVariant, Hashable {
        /// The backbone's architecture (its `numClasses` is the head's).
        public var backbone = ResNetClassifier.Config()
        /// The backbone layer whose output the head reads (pooled first when it is an image).
        public var backboneOutput = "reduce_mean"
        /// Dropout on the pooled features before the dense head (Model Garden's
        /// `ClassificationModel(dropout_rate=...)`).
        public var dropoutRate: Float = 0
        /// Backbone layers whose weights do not train and whose batch norms run in inference mode.
        public var freeze: [String] = []

        /// The recipe defaults.
        public init() {}

        /// The recipe defaults with the given keys replaced.
        public init(
            backbone: ResNetClassifier.Config? = nil, backboneOutput: String? = nil,
            dropoutRate: Float? = nil, freeze: [String]? = nil
        ) {
            backbone.map { self.backbone = $0 }
            backboneOutput.map { self.backboneOutput = $0 }
            dropoutRate.map { self.dropoutRate = $0 }
            freeze.map { self.freeze = $0 }
        }

        public static let typeName = "image_classifier"
        public static let summary =
            "A ResNet backbone cut at a named layer plus a new dense head, for fine-tuning"
        public static let keys: [ConfigKey<Config>] =
            ResNetClassifier.Config.keys.map { $0.nested(in: \Config.backbone) } + [
                .string(
                    "backbone_output", \.backboneOutput,
                    "The backbone layer the head reads: stem, stageN or reduce_mean (pooled first when it is an image)."
                ),
                .float(
                    "dropout_rate", \.dropoutRate,
                    "Dropout on the pooled features before the dense head."),
                .stringList(
                    "freeze", \.freeze,
                    "Backbone layers (stem, stageN) that do not train; their batch norms run in inference mode."
                ),
            ]

        /// The layers `backbone_output` may name: the backbone's, up to its global pooling.
        public var backboneLayerNames: [String] { Array(backbone.layerNames.dropLast()) }

        /// The layers `freeze` may name: the backbone layers with weights up to the cut.
        public var freezableLayerNames: [String] {
            let names = backboneLayerNames.filter { $0 != "reduce_mean" }
            guard let cut = names.firstIndex(of: backboneOutput) else { return names }
            return Array(names[...cut])
        }

        /// The classifier's layer names, in order: the backbone's up to the cut, `reduce_mean`
        /// and `head` (what `--extract-to` may name).
        public var layerNames: [String] {
            guard let cut = backboneLayerNames.firstIndex(of: backboneOutput) else { return [] }
            let kept = backboneLayerNames[...cut].filter { $0 != "reduce_mean" }
            return kept + ["reduce_mean", "head"]
        }
    }
}
