import GardenTensor

/// Inverted dropout, active only when the forward context is training, as Keras' `Dropout`.
///
/// Input and output shape: any. No parameters. `role` names the rate this layer applies
/// (`dropout_rate` or `attention_dropout_rate`): when the context holds a variable for it (an
/// export's `training=True` trace), the rate is read from that variable, so a consumer can
/// change it before fine-tuning.
public final class Dropout: Module {
    /// The rates a model's dropout layers apply, named as the export's root variables.
    public enum Role: String, Sendable, CaseIterable {
        case hidden = "dropout_rate"
        case attention = "attention_dropout_rate"
    }

    public let rate: Float
    public let role: Role

    public init(name: String = "dropout", rate: Float, role: Role = .hidden) {
        self.rate = rate
        self.role = role
        super.init(name: name)
    }

    public func callAsFunction(_ x: Tensor, _ ctx: ForwardContext) -> Tensor {
        guard ctx.training else { return x }
        if let variable = ctx.dropoutRates[role] {
            return x.dropout(
                rate: variable.read(), eagerRate: rate, seed: ctx.seed, stream: ctx.nextStream())
        }
        guard rate > 0 else { return x }
        return x.dropout(rate: rate, seed: ctx.seed, stream: ctx.nextStream())
    }
}
