import GardenTensor
import GardenTestSupport
import Testing

/// Inputs whose values are a shuffled ladder with steps of 0.05: no two elements of a max-pool
/// window are within a finite-difference step of each other, so the argmax never flips.
func distinctLadder(_ shape: [Int], stream: UInt64) -> Tensor {
    let n = shape.reduce(1, *)
    let keys = Philox(seed: TestInputs.seed, stream: stream).uniform(count: n)
    let order = (0..<n).sorted { keys[$0] < keys[$1] }
    var values = [Float](repeating: 0, count: n)
    for (rank, i) in order.enumerated() { values[i] = Float(rank) * 0.05 - Float(n) * 0.025 }
    return Tensor(values, shape: shape)
}

@Suite("Convolution, pooling and batch-norm vjps against central finite differences")
struct SpatialGradientTests {
    static let cases: [GradientCase] = [
        GradientCase("conv2d same s1", [[2, 7, 5, 3], [3, 3, 3, 4]]) { $0[0].conv2d($0[1]) },
        GradientCase("conv2d same s2", [[2, 7, 5, 3], [3, 3, 3, 2]]) {
            $0[0].conv2d($0[1], stride: 2, padding: .same)
        },
        GradientCase("conv2d same s2 asymmetric", [[1, 6, 6, 2], [3, 3, 2, 2]]) {
            $0[0].conv2d($0[1], stride: 2, padding: .same)
        },
        GradientCase("conv2d valid s2", [[2, 7, 5, 3], [3, 2, 3, 2]]) {
            $0[0].conv2d($0[1], stride: 2, padding: .valid)
        },
        GradientCase("conv2d pointwise", [[2, 3, 5, 3], [1, 1, 3, 4]]) { $0[0].conv2d($0[1]) },
        GradientCase("conv2d 1x1 s2", [[2, 7, 5, 3], [1, 1, 3, 4]]) {
            $0[0].conv2d($0[1], stride: 2, padding: .same)
        },
        // Second order: the backprop ops are differentiable too.
        GradientCase("conv2d backprop input", [[3, 3, 3, 2], [2, 4, 3, 2]]) {
            Tensor.conv2dBackpropInput(
                inputShape: [2, 7, 5, 3], filter: $0[0], outBackprop: $0[1],
                stride: 2, padding: .same)
        },
        GradientCase("conv2d backprop filter", [[2, 7, 5, 3], [2, 4, 3, 2]]) {
            $0[0].conv2dBackpropFilter(
                filterShape: [3, 3, 3, 2], outBackprop: $0[1], stride: 2,
                padding: .same)
        },
        GradientCase("avg pool valid", [[2, 7, 5, 3]]) { $0[0].avgPool(size: 2, stride: 2) },
        GradientCase("avg pool same", [[2, 7, 5, 3]]) {
            $0[0].avgPool(size: 3, stride: 2, padding: .same)
        },
        GradientCase("max pool valid", inputs: { [distinctLadder([2, 7, 5, 3], stream: 40)] }) {
            $0[0].maxPool(size: 2, stride: 2)
        },
        GradientCase("max pool same", inputs: { [distinctLadder([2, 7, 5, 3], stream: 41)] }) {
            $0[0].maxPool(size: 3, stride: 2, padding: .same)
        },
        // The pool gradients are linear in `grad`; their vjps are AvgPool and MaxPoolGradGrad.
        GradientCase("max pool grad", [[2, 4, 3, 3]]) {
            let x = distinctLadder([2, 7, 5, 3], stream: 43)
            return Tensor.maxPoolGrad(
                input: x, output: x.maxPool(size: 3, stride: 2, padding: .same),
                grad: $0[0], size: 3, stride: 2, padding: .same)
        },
        GradientCase("avg pool grad", [[2, 4, 3, 3]]) {
            Tensor.avgPoolGrad(
                inputShape: [2, 7, 5, 3], grad: $0[0], size: 3, stride: 2,
                padding: .same)
        },
        GradientCase(
            "batch norm inference",
            inputs: {
                [
                    TestInputs.uniform([2, 7, 5, 3], stream: 44),
                    TestInputs.uniform([3], in: 0.5...2, stream: 45),
                    TestInputs.uniform([3], stream: 46),
                    TestInputs.uniform([3], stream: 47),
                    TestInputs.uniform([3], in: 0.5...2, stream: 48),
                ]
            }
        ) {
            $0[0].batchNorm(
                scale: $0[1], offset: $0[2], mean: $0[3], variance: $0[4], epsilon: 1e-3)
        },
        GradientCase(
            "batch norm training",
            inputs: {
                [
                    TestInputs.uniform([2, 7, 5, 3], in: -2...2, stream: 49),
                    TestInputs.uniform([3], in: 0.5...2, stream: 50),
                    TestInputs.uniform([3], stream: 51),
                ]
            }
        ) {
            $0[0].batchNormTraining(
                scale: $0[1], offset: $0[2], mean: Tensor.zeros([3]),
                variance: Tensor.ones([3]), epsilon: 1e-3
            ).output
        },
    ]

    @Test(arguments: cases)
    func vjpMatchesFiniteDifferences(_ c: GradientCase) {
        checkGradients(of: c.f, at: c.inputs())
    }
}
