import GardenTensor

/// How a parameter gets its initial value: a constant, or a seeded draw keyed by the
/// parameter's final path in the model's tree (see `Module.initializeParameters`).
///
/// Layers declare one per parameter when they are built; the draws are made once, after the
/// whole tree is assembled, so a value never depends on a name threaded in by hand.
public enum Initialization: Hashable, Sendable {
    case zeros
    case ones
    /// Every element `value` (the mul model's `v`).
    case constant(Float)
    /// Keras' `glorot_uniform` with the dense fans (`Initializer.glorotUniform`).
    case glorotUniform
    /// Keras' `glorot_uniform` with convolution fans (`Initializer.glorotUniformConvolution`).
    case glorotUniformConvolution
    /// Keras' `he_normal` (`Initializer.heNormal`).
    case heNormal
    /// A normal truncated at two standard deviations (BERT's `initializer_range`).
    case truncatedNormal(stddev: Float)

    /// Whether the value is a seeded draw (keyed by the path) rather than a constant.
    public var isDraw: Bool {
        switch self {
        case .zeros, .ones, .constant: return false
        case .glorotUniform, .glorotUniformConvolution, .heNormal, .truncatedNormal: return true
        }
    }
}

extension Initializer {
    /// The initial value `initialization` gives a parameter of `shape` at `path`; a draw's
    /// stream is the path.
    public func value(of initialization: Initialization, shape: [Int], path: String) -> Tensor {
        switch initialization {
        case .zeros: return Tensor.zeros(shape)
        case .ones: return Tensor.ones(shape)
        case .constant(let v): return Tensor.full(v, shape: shape)
        case .glorotUniform: return glorotUniform(shape, stream: path)
        case .glorotUniformConvolution: return glorotUniformConvolution(shape, stream: path)
        case .heNormal: return heNormal(shape, stream: path)
        case .truncatedNormal(let stddev):
            return truncatedNormal(shape, stddev: stddev, stream: path)
        }
    }
}
