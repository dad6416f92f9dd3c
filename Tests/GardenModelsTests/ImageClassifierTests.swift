import GardenModels
import GardenNN
import GardenTensor
import GardenTestSupport
import Testing

@Suite("ImageClassifier")
struct ImageClassifierTests {
    static let bn = ["gamma", "beta", "moving_mean", "moving_variance"]

    /// A two-stage backbone on 5x7 images, cut at `cut`, with dropout and L2 on the kernels.
    static func tiny(cut: String = "stage2", freeze: [String] = []) -> ImageClassifier {
        ImageClassifier(
            .init(
                backbone: .init(
                    inputSize: 5, stemFilters: 3, stageFilters: [3, 4], stageStrides: [1, 2],
                    numClasses: 3, kernelRegularizer: .l2(0.01)),
                backboneOutput: cut, dropoutRate: 0.25, freeze: freeze),
            initializer: Initializer(seed: 7))
    }

    static func block(_ stage: String, projection: Bool) -> [String] {
        let p = stage + "/block/"
        return [p + "conv1/kernel"] + bn.map { p + "bn1/" + $0 } + [p + "conv2/kernel"]
            + bn.map { p + "bn2/" + $0 }
            + (projection ? [p + "shortcut_conv/kernel"] + bn.map { p + "shortcut_bn/" + $0 } : [])
    }

    /// The backbone keeps the `resnet` model's names (so its checkpoint initialises it); the
    /// head has its own.
    @Test func namesFollowTheResNetAndTheHeadIsNew() {
        let full = ImageClassifier(.init(), initializer: Initializer(seed: 5))
        let resnet = ResNetClassifier(.init(), initializer: Initializer(seed: 5))
        #expect(full.layerNames == ["stem", "stage1", "stage2", "stage3", "reduce_mean", "head"])
        #expect(full.config.layerNames == full.layerNames)
        let backbone = full.parameters.filter { !$0.path.hasPrefix("head/") }
        #expect(backbone.map(\.path) == resnet.parameters.dropLast(2).map(\.path))
        // Same seed, same paths: the same initial values.
        #expect(
            zip(backbone, resnet.parameters).allSatisfy {
                $0.parameter.value.floats == $1.parameter.value.floats
            })
        #expect(
            full.parameters.suffix(2).map(\.path) == ["head/dense/kernel", "head/dense/bias"])
        #expect(
            full.signature.outputs == .leaf(TensorSpec("output_0", .float32, Shape([-1, 10]))))
        let cut = Self.tiny(cut: "stem")
        #expect(cut.layerNames == ["stem", "reduce_mean", "head"])
        #expect(cut.dense.kernel.value.shape == [3, 3])
    }

    /// Cut at `stage2` (an image, so the head pools it first): loss (cross-entropy + L2) in
    /// training mode, with dropout.
    @Test func tinyClassifierContract() {
        let model = Self.tiny()
        #expect(model.layerNames == ["stem", "stage1", "stage2", "reduce_mean", "head"])
        let images = [TestInputs.uniform([2, 7, 5, 3], stream: 93)]
        let labels = TestInputs.labels(count: 2, classes: 3, stream: 94)
        checkModel(
            model, inputs: images, outputShapes: [[2, 3]],
            parameterPaths: ["stem/conv/kernel"] + Self.bn.map { "stem/bn/" + $0 }
                + Self.block("stage1", projection: false) + Self.block("stage2", projection: true)
                + ["head/dense/kernel", "head/dense/bias"],
            context: { ForwardContext(training: true, seed: 3) }, gradient: .throughReLU
        ) {
            model.call(leaves: images, $0).single.softmaxCrossEntropy(labels: labels).mean()
                + model.root.regularizationLoss()
        }
    }

    /// A frozen layer's weights get no gradient and its batch norms run in inference mode; its
    /// L2 still counts in the loss (as in Keras' `model.losses`), as a constant.
    @Test func frozenLayersDoNotTrainAndTheirBatchNormsRunInInference() throws {
        let model = Self.tiny(freeze: ["stem", "stage1"])
        let frozen = model.parameters.filter {
            $0.path.hasPrefix("stem/") || $0.path.hasPrefix("stage1/")
        }
        let rest = model.parameters.filter { p in !frozen.contains { $0.path == p.path } }
        #expect(frozen.allSatisfy { !$0.parameter.trainable })
        #expect(
            rest.filter(\.parameter.trainable).count == rest.count - 2 * 3,
            "only stage2's three batch norms' moving statistics are non-trainable")
        #expect(try model.layer(named: "stage1").isFrozen)
        #expect(try !model.layer(named: "stage2").isFrozen)
        #expect(model.root.allRegularizers().count == 7)

        let images = [TestInputs.uniform([2, 7, 5, 3], stream: 95)]
        let labels = TestInputs.labels(count: 2, classes: 3, stream: 96)
        let before = model.parameters.map(\.parameter.value.floats)
        let (_, grads) = Tape.valueWithGradients { () -> Tensor in
            model.call(leaves: images, ForwardContext(training: true, seed: 1)).single
                .softmaxCrossEntropy(labels: labels).mean() + model.root.regularizationLoss()
        }
        let graded = Set(grads.map { ObjectIdentifier($0.0) })
        #expect(frozen.allSatisfy { !graded.contains(ObjectIdentifier($0.parameter)) })
        #expect(
            rest.filter(\.parameter.trainable).allSatisfy {
                graded.contains(ObjectIdentifier($0.parameter))
            })
        let after = model.parameters.map(\.parameter.value.floats)
        for ((path, _), (old, new)) in zip(model.parameters, zip(before, after)) {
            let moving = path.hasSuffix("moving_mean") || path.hasSuffix("moving_variance")
            let isFrozen = path.hasPrefix("stem/") || path.hasPrefix("stage1/")
            // Only unfrozen batch norms move their statistics in a training pass.
            #expect((old != new) == (moving && !isFrozen), "\(path)")
        }
        // The frozen stem normalizes with its moving statistics in training as in inference.
        let stem = try model.output(of: "stem", .leaf(images[0]), ForwardContext(training: true))
        let inference = try model.output(
            of: "stem", .leaf(images[0]), ForwardContext(training: false))
        #expect(stem.floats == inference.floats)
    }
}
