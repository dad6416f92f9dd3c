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

    public init(
        name: String, inputChannels: Int, filters: Int,
        kernelSize: Int = 3, stride: Int = 1, kernelRegularizer: Regularizer? = nil
    ) {
        conv = Conv2D(
            name: "conv", inputChannels: inputChannels, filters: filters,
            kernelSize: kernelSize, stride: stride, useBias: false,
            kernelRegularizer: kernelRegularizer)
        bn = BatchNorm(name: "bn", channels: filters)
        super.init(name: name)
        addModule(conv)
        addModule(bn)
    }

    public func callAsFunction(_ x: Tensor, _ ctx: ForwardContext) -> Tensor {
        bn(conv(x), ctx, relu: true)
    }
}
