import GardenTensor
import GardenTestSupport
import Testing

/// The values a gradient case's inputs are drawn from.
enum InputDomain: Sendable {
    /// Uniform in [-1, 1].
    case signed
    /// Magnitudes in [0.2, 2] with random signs: farther from a kink at 0 than the step.
    case awayFromZero
    /// Uniform in [0.5, 2]: log arguments and denominators.
    case positive
}

/// One vjp to check: a function of a few inputs, built fresh for each run.
struct GradientCase: Sendable, CustomTestStringConvertible {
    var name: String
    var inputs: @Sendable () -> [Tensor]
    var f: @Sendable ([Tensor]) -> Tensor
    var testDescription: String { name }

    /// Float inputs of the given shapes, each its own Philox stream (derived from the name, so a
    /// new case never shifts the inputs of another).
    init(
        _ name: String, _ shapes: [[Int]], _ domain: InputDomain = .signed,
        _ f: @escaping @Sendable ([Tensor]) -> Tensor
    ) {
        self.name = name
        self.f = f
        inputs = {
            shapes.enumerated().map { k, shape in
                let stream = stableHash(name) &+ UInt64(k)
                switch domain {
                case .signed: return TestInputs.uniform(shape, stream: stream)
                case .awayFromZero: return TestInputs.awayFromZero(shape, stream: stream)
                case .positive: return TestInputs.uniform(shape, in: 0.5...2, stream: stream)
                }
            }
        }
    }

    init(
        _ name: String, inputs: @escaping @Sendable () -> [Tensor],
        _ f: @escaping @Sendable ([Tensor]) -> Tensor
    ) {
        self.name = name
        self.inputs = inputs
        self.f = f
    }
}

@Suite("Every vjp against central finite differences")
struct GradientTests {
    static let cases: [GradientCase] = [
        GradientCase("add", [[3, 5], [3, 5]]) { $0[0] + $0[1] },
        GradientCase("add bias [3,5]+[5]", [[3, 5], [5]]) { $0[0] + $0[1] },
        GradientCase("add outer [3,1]+[1,5]", [[3, 1], [1, 5]]) { $0[0] + $0[1] },
        GradientCase("add scalar", [[3, 5], []]) { $0[0] + $0[1] },
        GradientCase("add leading [3,1]+[2,3,4]", [[3, 1], [2, 3, 4]]) { $0[0] + $0[1] },
        GradientCase("sub bias [3,5]-[5]", [[3, 5], [5]]) { $0[0] - $0[1] },
        GradientCase("sub outer [3,1]-[1,5]", [[3, 1], [1, 5]]) { $0[0] - $0[1] },
        GradientCase("sub scalar minus tensor", [[], [3, 5]]) { $0[0] - $0[1] },
        GradientCase("mul", [[3, 5], [3, 5]]) { $0[0] * $0[1] },
        GradientCase("mul bias [3,5]*[5]", [[3, 5], [5]]) { $0[0] * $0[1] },
        GradientCase("mul outer [3,1]*[1,5]", [[3, 1], [1, 5]]) { $0[0] * $0[1] },
        GradientCase("mul scalar", [[3, 5], []]) { $0[0] * $0[1] },
        GradientCase("div", [[3, 5], [3, 5]], .positive) { $0[0] / $0[1] },
        GradientCase("div bias [3,5]/[5]", [[3, 5], [5]], .positive) { $0[0] / $0[1] },
        GradientCase("div outer [3,1]/[1,5]", [[3, 1], [1, 5]], .positive) { $0[0] / $0[1] },
        GradientCase("div scalar over tensor", [[], [3, 5]], .positive) { $0[0] / $0[1] },
        GradientCase("neg", [[2, 3, 4]]) { -$0[0] },
        GradientCase("relu", [[3, 5]], .awayFromZero) { $0[0].relu() },
        GradientCase("sign", [[3, 5]], .awayFromZero) { $0[0].sign() },
        GradientCase("abs", [[3, 5]], .awayFromZero) { $0[0].abs() },
        GradientCase("exp", [[3, 5]]) { $0[0].exp() },
        GradientCase("log", [[3, 5]], .positive) { $0[0].log() },
        GradientCase("tanh", [[3, 5]]) { $0[0].tanh() },
        GradientCase("sum all", [[2, 3, 4]]) { $0[0].sum() },
        GradientCase("sum axis 0", [[3, 5]]) { $0[0].sum(axes: [0]) },
        GradientCase("sum axis 1 keepDims", [[3, 5]]) { $0[0].sum(axes: [1], keepDims: true) },
        GradientCase("sum axes 0,2", [[2, 3, 4]]) { $0[0].sum(axes: [0, 2]) },
        GradientCase("sum axis -1 keepDims", [[2, 3, 4]]) { $0[0].sum(axes: [-1], keepDims: true) },
        GradientCase("mean all", [[2, 3, 4]]) { $0[0].mean() },
        GradientCase("mean axis 1", [[3, 5]]) { $0[0].mean(axes: [1]) },
        GradientCase("mean axes 0,2 keepDims", [[2, 3, 4]]) {
            $0[0].mean(axes: [0, 2], keepDims: true)
        },
        GradientCase("reshape", [[2, 3, 4]]) { $0[0].reshaped([-1, 3]) },
        GradientCase("matmul", [[3, 4], [4, 5]]) { $0[0].matmul($0[1]) },
        GradientCase("matmul transposeA", [[4, 3], [4, 5]]) {
            $0[0].matmul($0[1], transposeA: true)
        },
        GradientCase("matmul transposeB", [[3, 4], [5, 4]]) {
            $0[0].matmul($0[1], transposeB: true)
        },
        GradientCase("matmul transposeA transposeB", [[4, 3], [5, 4]]) {
            $0[0].matmul($0[1], transposeA: true, transposeB: true)
        },
        GradientCase(
            "softmax cross-entropy",
            inputs: {
                [
                    TestInputs.uniform([4, 7], in: -2...2, stream: 50),
                    TestInputs.labels(count: 4, classes: 7, stream: 51),
                ]
            }
        ) { $0[0].softmaxCrossEntropy(labels: $0[1]) },
        GradientCase("dropout", [[3, 5]]) { $0[0].dropout(rate: 0.3, seed: 1, stream: 2) },
        // The tape must add the gradients of both uses of one input.
        GradientCase("input used twice in mul", [[3, 5]]) { $0[0] * $0[0] },
        GradientCase("input used twice in matmul", [[3, 4]]) {
            $0[0].matmul($0[0], transposeB: true)
        },
        GradientCase("dense layer composite", [[3, 4], [4, 5], [5]]) {
            ($0[0].matmul($0[1]) + $0[2]).tanh()
        },
    ]

    @Test(arguments: cases)
    func vjpMatchesFiniteDifferences(_ c: GradientCase) {
        checkGradients(of: c.f, at: c.inputs())
    }
}
