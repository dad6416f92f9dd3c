import GardenTensor

/// Layer normalization over the last axis, as Keras' `LayerNormalization(axis=-1)`.
///
/// Input and output shape: `[..., width]`. Parameters: `gamma [width]` (ones), `beta [width]`
/// (zeros). BERT uses `epsilon = 1e-12`.
public final class LayerNorm: Module {
    public let gamma: Parameter
    public let beta: Parameter
    public let epsilon: Float

    public init(name: String, width: Int, epsilon: Float = 1e-12) {
        gamma = Module.parameter([width])
        beta = Module.parameter([width])
        self.epsilon = epsilon
        super.init(name: name)
        addParameter("gamma", gamma, initialization: .ones)
        addParameter("beta", beta, initialization: .zeros)
    }

    /// `(x - mean) · rsqrt(variance + epsilon) · gamma + beta` over the last axis.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        x.layerNorm(gamma: gamma.read(), beta: beta.read(), epsilon: epsilon)
    }
}
