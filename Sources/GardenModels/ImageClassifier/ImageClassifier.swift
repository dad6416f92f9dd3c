import GardenNN
import GardenTensor

/// An image classifier for fine-tuning (Model Garden's `ClassificationModel` on a ResNet
/// backbone): the `resnet` model's layers up to `backbone_output`, global average pooling when
/// that output is still an image, dropout, and a dense `head` of `num_classes` logits.
///
/// Layers, in order: `stem`, `stage1` ... `stageK` (the backbone up to the cut, named and built
/// exactly as `ResNetClassifier`'s, so a `resnet` checkpoint initialises them by path),
/// `reduce_mean` (the spatial mean) and `head` (dropout, then `dense`; never softmax). The head
/// has its own names (`head/dense/kernel`, `head/dense/bias`), so `train.init_checkpoint` from
/// a `resnet` run never matches it and it always starts fresh.
///
/// Layers named in `config.freeze` are frozen (`Module.freeze`): no gradient reaches their
/// weights and their batch norms run in inference mode.
///
/// Input shape: `[batch, height, width, inputChannels]` float32, open batch and spatial sizes.
/// Output shape: `[batch, numClasses]` logits.
public final class ImageClassifier: LayerGraphModel {
    public let config: Config
    public let root: Module
    /// The whole backbone as built; only its layers up to the cut are in `root`.
    public let backbone: ResNetBackbone
    public let dropout: Dropout
    public let dense: Dense
    public let layerGraph: LayerGraph

    /// - Precondition: `config.backboneOutput` and `config.freeze` name layers of the backbone
    ///   (`Recipe.validate()` checks both, with messages naming the key).
    public init(_ config: Config, initializer: Initializer) {
        self.config = config
        backbone = ResNetBackbone(config.backbone)
        let names = backbone.layers.map(\.name)
        guard let cut = names.firstIndex(of: config.backboneOutput) else {
            preconditionFailure(
                "ImageClassifier: no backbone layer '\(config.backboneOutput)' in \(names)")
        }
        var layers = Array(backbone.layers[...cut])
        let features = layers[cut].outputShape.dims?.last ?? config.backbone.stemFilters
        if layers[cut].name != "reduce_mean" {
            let pool = GlobalAveragePooling(name: "reduce_mean")
            layers.append(
                NamedLayer(pool, outputShape: Shape([-1, features])) { x, _ in pool(x) })
        }
        let head = Module(name: "head")
        let (dropout, dense) = (
            head.addModule(Dropout(rate: config.dropoutRate)),
            head.addModule(
                Dense(
                    name: "dense", inputSize: features, units: config.backbone.numClasses,
                    kernelRegularizer: config.backbone.kernelRegularizer))
        )
        (self.dropout, self.dense) = (dropout, dense)
        layers.append(
            NamedLayer(head, outputShape: Shape([-1, config.backbone.numClasses])) { x, ctx in
                dense(dropout(x, ctx))
            })
        root = Module(name: "image_classifier")
        for layer in layers { root.addModule(layer.module) }
        root.initializeParameters(initializer)
        for name in config.freeze {
            guard let layer = layers.first(where: { $0.name == name }) else {
                preconditionFailure("ImageClassifier: cannot freeze unknown layer '\(name)'")
            }
            layer.module.freeze()
        }
        layerGraph = LayerGraph(
            input: TensorSpec(
                "inputs", .float32, ResNetBackbone.image(config.backbone.inputChannels)),
            layers: layers)
    }
}
