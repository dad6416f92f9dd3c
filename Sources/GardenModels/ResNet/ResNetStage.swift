import GardenNN
import GardenTensor

/// One stage of a ResNet: `blocks` basic residual blocks at one width; the first carries the
/// stage's stride (and a projection shortcut when the shape changes).
///
/// Input shape: `[batch, height, width, inputChannels]`. Output shape:
/// `[batch, ceil(height / stride), ceil(width / stride), filters]`.
/// Blocks are named as TensorFlow names repeats: `block`, `block_1`, `block_2`, ..., so
/// parameter paths read `stage1/block/conv1/kernel`.
public final class ResNetStage: Module {
    public let blocks: [ResidualBlock]

    public init(
        name: String, inputChannels: Int, filters: Int, stride: Int, blocks count: Int,
        kernelRegularizer: Regularizer?
    ) {
        precondition(count >= 1, "ResNetStage \(name): needs at least one block, got \(count)")
        blocks = (0..<count).map { i in
            ResidualBlock(
                name: i == 0 ? "block" : "block_\(i)",
                inputChannels: i == 0 ? inputChannels : filters, filters: filters,
                stride: i == 0 ? stride : 1, kernelRegularizer: kernelRegularizer)
        }
        super.init(name: name)
        for b in blocks { addModule(b) }
    }

    public func callAsFunction(_ x: Tensor, _ ctx: ForwardContext) -> Tensor {
        blocks.reduce(x) { h, block in block(h, ctx) }
    }
}
