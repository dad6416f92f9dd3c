import GardenNN
import GardenTensor

/// The layers of a ResNet before its classifier: `stem`, `stage1` ... `stageN`, `reduce_mean`,
/// as named layers whose modules are not yet attached to a tree. `ResNetClassifier` puts its
/// `fc` after them; `ImageClassifier` cuts them at a named layer and puts a new head after, so
/// both name their parameters alike (`stem/conv/kernel`, `stage1/block/bn1/gamma`) and one's
/// checkpoint initialises the other.
public struct ResNetBackbone {
    public let stem: ConvBNReLU
    public let stages: [ResNetStage]
    public let reduceMean: GlobalAveragePooling
    /// The named layers, in order; their modules are the ones above.
    public let layers: [NamedLayer]

    /// Builds the layers of `config` (its `numClasses` is not used here).
    public init(_ config: ResNetClassifier.Config) {
        precondition(
            config.stageFilters.count == config.stageStrides.count,
            "ResNetBackbone: \(config.stageFilters.count) stage filters but "
                + "\(config.stageStrides.count) stage strides")
        let regularizer = config.kernelRegularizer
        let stem = ConvBNReLU(
            name: "stem", inputChannels: config.inputChannels, filters: config.stemFilters,
            kernelRegularizer: regularizer)
        var width = config.stemFilters
        var stages: [ResNetStage] = []
        for (i, (filters, stride)) in zip(config.stageFilters, config.stageStrides).enumerated() {
            stages.append(
                ResNetStage(
                    name: "stage\(i + 1)", inputChannels: width, filters: filters, stride: stride,
                    blocks: config.blocksPerStage, kernelRegularizer: regularizer))
            width = filters
        }
        let reduceMean = GlobalAveragePooling(name: "reduce_mean")
        // Spatial sizes stay open in every layer's static shape: the input's are.
        var layers = [
            NamedLayer(stem, outputShape: Self.image(config.stemFilters)) { stem($0, $1) }
        ]
        for (stage, filters) in zip(stages, config.stageFilters) {
            layers.append(NamedLayer(stage, outputShape: Self.image(filters)) { stage($0, $1) })
        }
        layers.append(
            NamedLayer(reduceMean, outputShape: Shape([-1, width])) { x, _ in reduceMean(x) })
        self.stem = stem
        self.stages = stages
        self.reduceMean = reduceMean
        self.layers = layers
    }

    /// The static shape of an image batch of `channels` channels and any size.
    public static func image(_ channels: Int) -> Shape { Shape([-1, -1, -1, channels]) }
}
