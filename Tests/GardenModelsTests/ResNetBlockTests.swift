import GardenModels
import GardenNN
import GardenTensor
import GardenTestSupport
import Testing

/// The ResNet family's blocks (GardenModels/ResNet) through the layer contract.
@Suite("ResNet blocks")
struct ResNetBlockTests {
    let initializer = Initializer(seed: 3)
    /// Tiny and odd: 7x5 images, 3 channels, batch 2.
    let x = TestInputs.uniform([2, 7, 5, 3], in: -1...1, stream: 70)

    @Test func convBNReLUContract() {
        let stem = ConvBNReLU(
            name: "stem", inputChannels: 3, filters: 4, stride: 2
        ).initializeParameters(initializer)
        let ctx = ForwardContext(training: true)
        // The ReLU sees ~12 batch-normalized pre-activations per channel, near its kink.
        checkLayer(
            stem, input: x, outputShape: [2, 4, 3, 4],
            parameterPaths: [
                "conv/kernel", "bn/gamma", "bn/beta", "bn/moving_mean", "bn/moving_variance",
            ],
            gradient: .throughReLU
        ) { stem($0, ctx) }
    }

    @Test(arguments: [(1, 3), (2, 4), (1, 4)])
    func residualBlockContract(stride: Int, filters: Int) {
        let block = ResidualBlock(
            inputChannels: 3, filters: filters, stride: stride, kernelRegularizer: .l2(1e-4))
        // Under `stage/`, so the kernels are the draws of `stage/block/...` (the gradient check's
        // tolerance was tuned on these values).
        let root = Module(name: "root")
        root.addModule(Module(name: "stage")).addModule(block)
        root.initializeParameters(initializer)
        let projects = stride != 1 || filters != 3
        let main = [
            "conv1/kernel", "bn1/gamma", "bn1/beta", "bn1/moving_mean", "bn1/moving_variance",
            "conv2/kernel", "bn2/gamma", "bn2/beta", "bn2/moving_mean", "bn2/moving_variance",
        ]
        let shortcut = [
            "shortcut_conv/kernel", "shortcut_bn/gamma", "shortcut_bn/beta",
            "shortcut_bn/moving_mean", "shortcut_bn/moving_variance",
        ]
        #expect(block.allRegularizers().count == (projects ? 3 : 2))
        let ctx = ForwardContext(training: true)
        // The final ReLU sees ~70 batch-normalized pre-activations per channel, near its kink.
        checkLayer(
            block, input: x,
            outputShape: [2, stride == 1 ? 7 : 4, stride == 1 ? 5 : 3, filters],
            parameterPaths: projects ? main + shortcut : main,
            gradient: .throughReLU
        ) { block($0, ctx) }
    }

    @Test func convKernelsWithTheSameLocalNameDifferByTheirPlaceInTheTree() {
        let root = Module(name: "resnet")
        let a = root.addModule(ResidualBlock(name: "block", inputChannels: 3, filters: 3))
        let stage2 = root.addModule(Module(name: "stage2"))
        let b = stage2.addModule(ResidualBlock(name: "block", inputChannels: 3, filters: 3))
        root.initializeParameters(initializer)
        #expect(a.conv1.kernel.path == "block/conv1/kernel")
        #expect(b.conv1.kernel.path == "stage2/block/conv1/kernel")
        #expect(a.conv1.kernel.value.floats != b.conv1.kernel.value.floats)
    }

    /// In training the gradients flow through the batch statistics; in inference through the
    /// moving ones (not trainable: neither perturbed nor compared).
}
