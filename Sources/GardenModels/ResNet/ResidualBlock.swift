import GardenNN
import GardenTensor

/// The basic residual block of He et al. (2016): `relu(bn2(conv2(relu(bn1(conv1(x))))) +
/// shortcut(x))`, with two 3x3 convolutions (no bias) and an identity shortcut, or a 1x1
/// convolution + batch norm projection when the stride or the channel count changes.
///
/// Input shape: `[batch, height, width, inputChannels]`. Output shape:
/// `[batch, ceil(height / stride), ceil(width / stride), filters]`.
/// Parameters: `conv1/kernel`, `bn1/*`, `conv2/kernel`, `bn2/*`, and with a projection
/// `shortcut_conv/kernel`, `shortcut_bn/*` (`*` = `gamma`, `beta`, `moving_mean`,
/// `moving_variance`). The first convolution carries the stride.
public final class ResidualBlock: Module {
    public let conv1: Conv2D
    public let bn1: BatchNorm
    public let conv2: Conv2D
    public let bn2: BatchNorm
    /// The projection shortcut; nil for the identity.
    public let shortcut: (conv: Conv2D, bn: BatchNorm)?

    /// - Parameters:
    ///   - name: the local name (`block`, `block_1`, ...).
    ///   - inputChannels: channels of the input.
    ///   - filters: channels of the output.
    ///   - stride: the first convolution's (and the projection's) step.
    ///   - kernelRegularizer: applied to every convolution kernel.
    public init(
        name: String = "block", inputChannels: Int, filters: Int,
        stride: Int = 1, kernelRegularizer: Regularizer? = nil
    ) {
        func conv(_ n: String, _ cin: Int, _ k: Int, _ s: Int) -> Conv2D {
            Conv2D(
                name: n, inputChannels: cin, filters: filters, kernelSize: k,
                stride: s, useBias: false, kernelRegularizer: kernelRegularizer)
        }
        conv1 = conv("conv1", inputChannels, 3, stride)
        bn1 = BatchNorm(name: "bn1", channels: filters)
        conv2 = conv("conv2", filters, 3, 1)
        bn2 = BatchNorm(name: "bn2", channels: filters)
        let projects = stride != 1 || inputChannels != filters
        shortcut =
            projects
            ? (
                conv("shortcut_conv", inputChannels, 1, stride),
                BatchNorm(name: "shortcut_bn", channels: filters)
            )
            : nil
        super.init(name: name)
        addModule(conv1)
        addModule(bn1)
        addModule(conv2)
        addModule(bn2)
        if let shortcut {
            addModule(shortcut.conv)
            addModule(shortcut.bn)
        }
    }

    public func callAsFunction(_ x: Tensor, _ ctx: ForwardContext) -> Tensor {
        let h = bn1(conv1(x), ctx, relu: true)
        let residual = bn2(conv2(h), ctx)
        let skip = shortcut.map { $0.bn($0.conv(x), ctx) } ?? x
        return Tensor.reluOfSum(residual, skip)
    }
}
