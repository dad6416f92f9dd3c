import GardenNN
import GardenTensor

/// A convolution without bias, batch normalization, then ReLU: a ResNet stem.
///
/// Input shape: `[batch, height, width, inputChannels]`. Output shape:
/// `[batch, ceil(height / stride), ceil(width / stride), filters]` (SAME padding).
/// Parameters: `conv/kernel`, `bn/gamma`, `bn/beta`, `bn/moving_mean`, `bn/moving_variance`.
public final class ConvBNReLU: Module {
    public let conv: Conv2D
    public let bn: BatchNorm

    /// - Parameters:
    ///   - name: the local name (`stem`).
    ///   - scope: the path of the parent, for the kernel's random stream (see `Conv2D`).
    ///   - inputChannels: the input's last dimension.
    ///   - filters: the output's last dimension.
    ///   - kernelSize: the square window size.
    ///   - stride: the convolution's step along height and width.
    ///   - kernelRegularizer: the kernel's weight penalty, if any.
    ///   - initializer: the seeded generator the kernel is drawn from.
    public init(
        name: String, scope: String = "", inputChannels: Int, filters: Int,
        kernelSize: Int = 3, stride: Int = 1, kernelRegularizer: Regularizer? = nil,
        initializer: Initializer
    ) {
        let path = scope.isEmpty ? name : scope + "/" + name
        conv = Conv2D(
            name: "conv", scope: path, inputChannels: inputChannels, filters: filters,
            kernelSize: kernelSize, stride: stride, useBias: false,
            kernelRegularizer: kernelRegularizer, initializer: initializer)
        bn = BatchNorm(name: "bn", channels: filters)
        super.init(name: name)
        addModule(conv)
        addModule(bn)
    }

    public func callAsFunction(_ x: Tensor, _ ctx: ForwardContext) -> Tensor {
        bn(conv(x), ctx).relu()
    }
}
