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
        // The product and the bias in one primitive: eager, the bias added by the product's
        // blocks while in cache; traced, the product (the rows' one MatMul on [B, S, H]) then
        // `AddV2`.
        let y = x.denseProduct(kernel.read(), bias: bias?.read())
        switch activation {
        case .linear: return y
        case .relu: return y.relu()
        case .tanh: return y.tanh()
        case .gelu: return y.tanhGelu()
        case .geluExact: return y.gelu()
        }
    }
}
