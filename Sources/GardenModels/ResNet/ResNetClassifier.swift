// Deep Residual Learning for Image Recognition. Kaiming He, Xiangyu Zhang, Shaoqing Ren,
// Jian Sun. CVPR 2016. https://arxiv.org/abs/1512.03385
//
// Variant: the small CIFAR-style ResNet of the paper's section 4.2 (a 3x3 stem, three stages of
// basic blocks at 16/32/64 filters, global average pooling, one dense layer), with batch norm as
// Keras' `BatchNormalization` and projection (1x1 conv + BN) shortcuts where the shape changes.

import GardenNN
import GardenTensor

/// A ResNet image classifier built as a `LayerGraph` of named layers, so that the feature
/// extractor (`extract(to: "reduce_mean")`) can be exported after training, as Model Garden's
/// legacy image `tfhub_export.py` does.
///
/// Layers, in order: `stem` (3x3 conv + BN + ReLU), `stage1` ... `stageN` (residual stages),
/// `reduce_mean` (global spatial mean), `fc` (dense logits; never softmax).
///
/// Input shape: `[batch, height, width, inputChannels]` float32; batch, height and width are
/// open in the signature (`[-1, -1, -1, inputChannels]`), because the global mean makes the
/// network take any image size. Output shape: `[batch, numClasses]` logits.
/// Parameter paths: `stem/conv/kernel`, `stem/bn/{gamma,beta,moving_mean,moving_variance}`,
/// `stage1/block/conv1/kernel`, `stage1/block/bn1/gamma`, ..., `stage2/block/shortcut_conv/kernel`,
/// ..., `fc/kernel`, `fc/bias`.
public final class ResNetClassifier: LayerGraphModel {
    public let config: Config
    public let root: Module
    public let stem: ConvBNReLU
    public let stages: [ResNetStage]
    public let reduceMean: GlobalAveragePooling
    public let fc: Dense
    public let layerGraph: LayerGraph

    public init(_ config: Config, initializer: Initializer) {
        self.config = config
        let backbone = ResNetBackbone(config)
        let width = config.stageFilters.last ?? config.stemFilters
        root = Module(name: "resnet")
        for layer in backbone.layers { root.addModule(layer.module) }
        (stem, stages, reduceMean) = (backbone.stem, backbone.stages, backbone.reduceMean)
        let fc = root.addModule(
            Dense(
                name: "fc", inputSize: width, units: config.numClasses,
                kernelRegularizer: config.kernelRegularizer))
        self.fc = fc
        root.initializeParameters(initializer)
        let layers =
            backbone.layers + [
                NamedLayer(fc, outputShape: Shape([-1, config.numClasses])) { x, _ in fc(x) }
            ]
        layerGraph = LayerGraph(
            input: TensorSpec("inputs", .float32, ResNetBackbone.image(config.inputChannels)),
            layers: layers)
    }
}
