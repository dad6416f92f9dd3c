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
                        kernelRegularizer: config.kernelRegularizer, initializer: initializer)))
            drops.append(root.addModule(Dropout(name: "dropout_\(i)", rate: config.dropoutRate)))
            width = units
        }
        logits = root.addModule(
            Dense(
                name: "logits", inputSize: width, units: config.numClasses,
                kernelRegularizer: config.kernelRegularizer, initializer: initializer))
        hidden = layers
        dropouts = drops
        root.assignPaths()
    }

    public var signature: ModelSignature {
        ModelSignature(
            inputs: [TensorSpec("inputs", .float32, Shape([-1, config.inputSize]))],
            outputs: [TensorSpec("output_0", .float32, Shape([-1, config.numClasses]))])
    }

    public func call(_ inputs: [Tensor], _ ctx: ForwardContext) -> [Tensor] {
        var h = inputs[0]
        for (layer, drop) in zip(hidden, dropouts) { h = drop(layer(h), ctx) }
        return [logits(h)]
    }

    public func loss(_ batch: Batch, _ ctx: ForwardContext) -> (
        loss: Tensor, metrics: [String: Tensor]
    ) {
        let z = call(batch.inputs, ctx)[0]
        let xent = z.softmaxCrossEntropy(labels: batch.targets).mean()
        return (
            xent + root.regularizationLoss(),
            ["cross_entropy": xent, "accuracy": accuracy(z, batch.targets)]
        )
    }
}

/// The fraction of rows whose largest logit is at the label (a plain value, not differentiable).
public func accuracy(_ logits: Tensor, _ labels: Tensor) -> Tensor {
    let (b, c) = (logits.shape[0], logits.shape[1])
    let z = logits.floats, y = labels.int32s
    var hits = 0
    for i in 0..<b {
        var best = 0
        for j in 1..<c where z[i * c + j] > z[i * c + best] { best = j }
        if best == Int(y[i]) { hits += 1 }
    }
    return Tensor(Float(hits) / Float(max(b, 1)))
}
