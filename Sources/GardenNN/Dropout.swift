import GardenTensor

/// Inverted dropout, active only when the forward context is training, as Keras' `Dropout`.
///
/// Input and output shape: any. No parameters.
public final class Dropout: Module {
    public let rate: Float

    public init(name: String = "dropout", rate: Float) {
        self.rate = rate
        super.init(name: name)
    }

    public func callAsFunction(_ x: Tensor, _ ctx: ForwardContext) -> Tensor {
        guard ctx.training, rate > 0 else { return x }
        return x.dropout(rate: rate, seed: ctx.seed, stream: ctx.nextStream())
    }
}
