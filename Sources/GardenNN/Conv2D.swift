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
    ///   - inputChannels: channels of the input.
    ///   - filters: channels of the output.
    ///   - kernelSize: the square window size `k`.
    ///   - stride: the step along height and width.
    ///   - padding: `.same` (TensorFlow's asymmetric rule) or `.valid`.
    ///   - useBias: false before a batch norm, whose offset makes a bias redundant.
    ///   - kernelInitialization: how the kernel is drawn (He normal by default).
    ///   - kernelRegularizer: the penalty on the kernel.
    public init(
        name: String, inputChannels: Int, filters: Int,
        kernelSize: Int, stride: Int = 1, padding: SpatialPadding = .same,
        useBias: Bool = true, kernelInitialization: KernelInitialization = .heNormal,
        kernelRegularizer: Regularizer? = nil
    ) {
        self.stride = stride
        self.padding = padding
        kernel = Module.parameter([kernelSize, kernelSize, inputChannels, filters])
        bias = useBias ? Module.parameter([filters]) : nil
        super.init(name: name)
        let draw: Initialization =
            switch kernelInitialization {
            case .heNormal: .heNormal
            case .glorotUniform: .glorotUniformConvolution
            }
        addParameter("kernel", kernel, initialization: draw)
        if let bias { addParameter("bias", bias, initialization: .zeros) }
        addRegularizer(kernelRegularizer, on: kernel)
    }

    /// Applies the convolution (and bias).
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let y = x.conv2d(kernel.read(), stride: stride, padding: padding)
        return bias.map { y + $0.read() } ?? y
    }
}
