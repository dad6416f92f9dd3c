import GardenNN
import GardenTensor

/// A multi-layer perceptron classifier: `hidden_sizes` Dense+ReLU layers, each followed by
/// dropout, then a Dense layer giving logits (never softmax: the TF Hub creator advice).
///
/// Input shape: `[batch, inputSize]`. Output shape: `[batch, numClasses]` logits.
/// Parameter paths: `dense_0/kernel`, `dense_0/bias`, ..., `logits/kernel`, `logits/bias`.
public final class MLP: Model {
    public let config: Config
    public let root: Module
    public let hidden: [Dense]
    public let dropouts: [Dropout]
    public let logits: Dense

    public init(_ config: Config, initializer: Initializer) {
        self.config = config
        root = Module(name: "mlp")
        var layers: [Dense] = []
        var drops: [Dropout] = []
        var width = config.inputSize
        for (i, units) in config.hiddenSizes.enumerated() {
            layers.append(
                root.addModule(
                    Dense(
                        name: "dense_\(i)", inputSize: width, units: units, activation: .relu,
                        kernelRegularizer: config.kernelRegularizer)))
            drops.append(root.addModule(Dropout(name: "dropout_\(i)", rate: config.dropoutRate)))
            width = units
        }
        logits = root.addModule(
            Dense(
                name: "logits", inputSize: width, units: config.numClasses,
                kernelRegularizer: config.kernelRegularizer))
        hidden = layers
        dropouts = drops
        root.initializeParameters(initializer)
    }

    public var signature: Signature {
        Signature(
            inputs: .leaf(TensorSpec("inputs", .float32, Shape([-1, config.inputSize]))),
            outputs: .leaf(TensorSpec("output_0", .float32, Shape([-1, config.numClasses]))))
    }

    public func call(_ inputs: Nested<Tensor>, _ ctx: ForwardContext) -> Nested<Tensor> {
        var h = inputs.single
        for (layer, drop) in zip(hidden, dropouts) { h = drop(layer(h), ctx) }
        return .leaf(logits(h))
    }
}
