import GardenNN
import GardenTensor

/// The TF Hub guide's low-level example (`MyMulModel`): one scalar variable `v`,
/// `__call__(x) = x * v`, and the regularization loss `0.001 * v²`.
///
/// Input shape: any (the export declares an unknown rank, like the guide's `TensorSpec(None)`).
/// Output shape: the input's. Trained by least squares on pairs `(x, y)` (`MulTask`).
public final class MulModel: Model {
    public let root: Module
    public let v: Parameter

    public init(_ config: Config) {
        root = Module(name: "mul")
        v = root.addParameter("v", shape: [], initialization: .constant(config.initialValue))
        root.addRegularizer(.l2(config.regularization), on: v)
    }

    public var signature: Signature {
        Signature(
            inputs: .leaf(TensorSpec("inputs", .float32, .unknownRank)),
            outputs: .leaf(TensorSpec("output_0", .float32, .unknownRank)))
    }

    public func call(_ inputs: Nested<Tensor>, _ ctx: ForwardContext) -> Nested<Tensor> {
        .leaf(inputs.single * v.read())
    }
}
