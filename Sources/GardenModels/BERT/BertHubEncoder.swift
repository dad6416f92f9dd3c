import GardenNN
import GardenTensor

/// A `BertEncoder` with the TF Hub BERT interface: the encoder's outputs plus `default`, the
/// pooled output again (hub's name for a module's main output). Same parameters and paths as
/// the encoder it wraps; this is what the `encoder` part exports and predicts with.
public final class BertHubEncoder: Model {
    public let encoder: BertEncoder
    public var root: Module { encoder.root }

    public init(_ encoder: BertEncoder) { self.encoder = encoder }

    public var signature: Signature {
        var s = encoder.signature
        let spec = TensorSpec("default", .float32, Shape([-1, encoder.config.hiddenSize]))
        s.outputs = s.outputs.appending("default", .leaf(spec))
        return s
    }

    /// The encoder's outputs, then `default` (= `pooled_output`).
    public func call(_ inputs: Nested<Tensor>, _ ctx: ForwardContext) -> Nested<Tensor> {
        let out = encoder.call(inputs, ctx)
        return out.appending("default", .leaf(out["pooled_output"]))
    }
}
