import GardenTensor

/// A 2-D convolution layer over NHWC images, as Keras' `Conv2D` (channels last).
///
/// Input shape: `[batch, height, width, inputChannels]` (batch, height and width may be unknown
/// in a trace). Output shape: `[batch, outHeight, outWidth, filters]`, with
/// `out = ceil(in / stride)` for `.same` padding (TensorFlow's asymmetric rule) and
/// `ceil((in - k + 1) / stride)` for `.valid`.
/// Parameters: `kernel [k, k, inputChannels, filters]` (HWIO), `bias [filters]` (zeros, optional).
public final class Conv2D: Module {
    /// How the kernel is drawn.
    public enum KernelInitialization: String, Sendable, Hashable {
        case heNormal = "he_normal"
        case glorotUniform = "glorot_uniform"
    }

    public let kernel: Parameter
    public let bias: Parameter?
    public let stride: Int
    public let padding: SpatialPadding

    /// - Parameters:
    ///   - name: the local name (`conv1`).
    ///   - scope: the path of the parent (`stage1/block`); with `name` it keys the kernel's
    ///     random stream, so equally named layers in different blocks start differently.
    ///   - inputChannels: the input's last dimension.
    ///   - filters: the output's last dimension.
    ///   - kernelSize: the square window size `k`.
    ///   - stride: the step along height and width.
    ///   - padding: `.same` (TensorFlow's asymmetric rule) or `.valid`.
    ///   - useBias: false before a batch norm, whose offset makes a bias redundant.
    ///   - kernelInitialization: the initial kernel's distribution.
    ///   - kernelRegularizer: the kernel's weight penalty, if any.
    ///   - initializer: the seeded generator the kernel is drawn from.
    public init(
        name: String, scope: String = "", inputChannels: Int, filters: Int,
        kernelSize: Int, stride: Int = 1, padding: SpatialPadding = .same,
        useBias: Bool = true, kernelInitialization: KernelInitialization = .heNormal,
        kernelRegularizer: Regularizer? = nil, initializer: Initializer
    ) {
        self.stride = stride
        self.padding = padding
        let shape = [kernelSize, kernelSize, inputChannels, filters]
        let stream = (scope.isEmpty ? name : scope + "/" + name) + "/kernel"
        switch kernelInitialization {
        case .heNormal: kernel = Parameter(initializer.heNormal(shape, stream: stream))
        case .glorotUniform:
            kernel = Parameter(initializer.glorotUniformConvolution(shape, stream: stream))
        }
        bias = useBias ? Parameter(Tensor.zeros([filters])) : nil
        super.init(name: name)
        addSharedParameter("kernel", kernel)
        if let bias { addSharedParameter("bias", bias) }
        addRegularizer(kernelRegularizer, on: kernel)
    }

    /// Applies the convolution (and bias).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let y = x.conv2d(kernel.read(), stride: stride, padding: padding)
        return bias.map { y + $0.read() } ?? y
    }
}
