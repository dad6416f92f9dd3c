import GardenNN
import GardenTensor

/// The TF Hub guide's low-level example (`MyMulModel`): one scalar variable `v`,
/// `__call__(x) = x * v`, and the regularization loss `0.001 * v²`.
///
/// Input shape: any (the export declares an unknown rank, like the guide's `TensorSpec(None)`).
/// Output shape: the input's. Trained by least squares on pairs `(x, y)`.
public final class MulModel: Model {
    public let root: Module
    public let v: Parameter

    public init(_ config: Config) {
        root = Module(name: "mul")
        v = root.addParameter("v", Tensor(config.initialValue))
        root.addRegularizer(.l2(config.regularization), on: v)
        root.assignPaths()
    }

    public var signature: ModelSignature {
        ModelSignature(
            inputs: [TensorSpec("inputs", .float32, .unknownRank)],
            outputs: [TensorSpec("output_0", .float32, .unknownRank)])
    }

    public func call(_ inputs: [Tensor], _ ctx: ForwardContext) -> [Tensor] {
        [inputs[0] * v.read()]
    }

    public func loss(_ batch: Batch, _ ctx: ForwardContext) -> (
        loss: Tensor, metrics: [String: Tensor]
    ) {
        let d = call(batch.inputs, ctx)[0] - batch.targets
        let mse = (d * d).mean()
        return (mse + root.regularizationLoss(), ["mse": mse])
    }
}
