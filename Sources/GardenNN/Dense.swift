import GardenTensor

/// A fully connected layer, `x · kernel + bias`, as Keras' `Dense`.
///
/// Input shape: `[batch, inputSize]` or `[batch, ..., inputSize]` (the kernel is applied to the
/// last axis). Output shape: `[batch, units]` or `[batch, ..., units]`.
/// Parameters: `kernel [inputSize, units]` (`kernelInitialization`, Glorot uniform by default),
/// `bias [units]` (zeros).
public final class Dense: Module {
    public let kernel: Parameter
    public let bias: Parameter?
    public let activation: Activation

    /// The activation after `x · kernel + bias`; raw values are the recipe names (Model
    /// Garden's: `gelu` is the tanh approximation, `gelu_exact` the erf form).
    public enum Activation: String, Sendable, CaseIterable {
        case linear, relu, tanh, gelu
        case geluExact = "gelu_exact"
    }

    /// - Parameters:
    ///   - name: the local name.
    ///   - inputSize: the width of the input's last axis.
    ///   - units: the width of the output's last axis.
    ///   - activation: applied to `x · kernel + bias`.
    ///   - useBias: whether there is a bias.
    ///   - kernelRegularizer: the penalty on the kernel.
    ///   - kernelInitialization: how the kernel is drawn (BERT's layers: a truncated normal
    ///     with `initializer_range`).
    public init(
        name: String, inputSize: Int, units: Int, activation: Activation = .linear,
        useBias: Bool = true, kernelRegularizer: Regularizer? = nil,
        kernelInitialization: Initialization = .glorotUniform
    ) {
        self.activation = activation
        kernel = Module.parameter([inputSize, units])
        bias = useBias ? Module.parameter([units]) : nil
        super.init(name: name)
        addParameter("kernel", kernel, initialization: kernelInitialization)
        if let bias { addParameter("bias", bias, initialization: .zeros) }
        addRegularizer(kernelRegularizer, on: kernel)
    }

    /// Applies the layer.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var y: Tensor
        if let bias, !x.isSymbolic {
            // The bias added by the product's blocks while in cache: the values and gradients
            // of the product, then the sum, below.
            y = x.denseProduct(kernel.read(), bias: bias.read())
        } else {
            // Traced, or eager without a bias: the product, then the bias read after it as
            // exports always had it.
            let w = kernel.read()
            if x.rank <= 2 {
                y = x.matmul(w)
            } else if x.isSymbolic {
                // Traced on `[B, S, H]`: the rows as one `[B·S, H]` MatMul, then back to x's
                // leading axes, read at run time (both may be unknown). TensorFlow (oneDNN) ran
                // BERT-base's dense products this way in 58 ms a call against 77-81 ms as the
                // BatchMatMulV2 that broadcast the kernel over the batch (docs/performance.md,
                // thirteenth pass).
                y = x.reshaped([-1, w.shape[0]]).matmul(w)
                    .reshapingTrailing(keep: x.rank - 1, to: [w.shape[1]], leadingOf: x)
            } else {
                y = x.batchMatmul(w)
            }
            if let bias { y = y + bias.read() }
        }
        switch activation {
        case .linear: return y
        case .relu: return y.relu()
        case .tanh: return y.tanh()
        case .gelu: return y.tanhGelu()
        case .geluExact: return y.gelu()
        }
    }
}
