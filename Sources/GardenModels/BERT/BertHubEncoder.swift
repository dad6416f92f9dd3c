import GardenNN
import GardenTensor

/// A `BertEncoder` with the TF Hub BERT interface: the encoder's outputs plus `default`, the
/// pooled output again (hub's name for a module's main output). Same parameters and paths as
/// the encoder it wraps; this is what the `encoder` part exports and predicts with.
public final class BertHubEncoder: Model {
    public let encoder: BertEncoder
    public var root: Module { encoder.root }

    public init(_ encoder: BertEncoder) { self.encoder = encoder }

    public var signature: ModelSignature {
        var s = encoder.signature
        s.outputs.append(TensorSpec("default", .float32, Shape([-1, encoder.config.hiddenSize])))
        return s
    }

    /// The encoder's outputs, then `default` (= `pooled_output`).
    public func call(_ inputs: [Tensor], _ ctx: ForwardContext) -> [Tensor] {
        let out = encoder.call(inputs, ctx)
        return out + [out[1]]
    }
}
