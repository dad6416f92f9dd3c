import GardenModels
import GardenNN
import GardenTensor
import GardenTestSupport
import Testing

@Suite("ResNetClassifier")
struct ResNetClassifierTests {
    let model = ResNetClassifier(.init(), initializer: Initializer(seed: 5))

    /// Layer names and parameter paths are API (checkpoint keys, export names, `extract: {to:}`).
    @Test func layerNamesAndParameterPathsSnapshot() {
        #expect(model.layerNames == ["stem", "stage1", "stage2", "stage3", "reduce_mean", "fc"])
        let bn = ["gamma", "beta", "moving_mean", "moving_variance"]
        func block(_ stage: String, projection: Bool) -> [String] {
            let p = stage + "/block/"
            return [p + "conv1/kernel"] + bn.map { p + "bn1/" + $0 } + [p + "conv2/kernel"]
                + bn.map { p + "bn2/" + $0 }
                + (projection
                    ? [p + "shortcut_conv/kernel"] + bn.map { p + "shortcut_bn/" + $0 } : [])
        }
        let expected =
            ["stem/conv/kernel"] + bn.map { "stem/bn/" + $0 }
            + block("stage1", projection: false) + block("stage2", projection: true)
            + block("stage3", projection: true) + ["fc/kernel", "fc/bias"]
        #expect(model.parameters.map(\.path) == expected)
        #expect(
            model.parameters.filter { !$0.parameter.trainable }.allSatisfy {
                $0.path.hasSuffix("moving_mean") || $0.path.hasSuffix("moving_variance")
            })
        // Two moving statistics for each of the 9 batch norms.
        #expect(model.parameters.filter { !$0.parameter.trainable }.count == 2 * 9)
        #expect(
            model.root.allRegularizers().map(\.parameter.path)
                == expected.filter {
                    $0.hasSuffix("kernel")
                })
        #expect(
            model.parameters.first { $0.path == "stage3/block/conv2/kernel" }?.parameter.value.shape
                == [3, 3, 64, 64])
        #expect(
            model.signature.inputs == .leaf(TensorSpec("inputs", .float32, Shape([-1, -1, -1, 3]))))
        #expect(
            model.signature.outputs == .leaf(TensorSpec("output_0", .float32, Shape([-1, 10]))))
    }

    @Test func extractionSharesParametersAndGivesFeatures() throws {
        let features = try model.extract(to: "reduce_mean")
        #expect(features.layerNames == ["stem", "stage1", "stage2", "stage3", "reduce_mean"])
        #expect(
            features.signature.outputs == .leaf(TensorSpec("output_0", .float32, Shape([-1, 64]))))
        let shared = Dictionary(
            uniqueKeysWithValues: model.parameters.map { ($0.path, $0.parameter) })
        #expect(features.parameters.count == model.parameters.count - 2)
        #expect(features.parameters.allSatisfy { shared[$0.path] === $0.parameter })

        let x = TestInputs.uniform([2, 9, 7, 3], stream: 90)
        let ctx = ForwardContext(training: false)
        let y = features.call(.leaf(x), ctx).single
        #expect(y.shape == [2, 64])
        #expect(y.floats == (try model.output(of: "reduce_mean", .leaf(x), ctx)).floats)
        // A change to the full model's weights is seen by the part.
        let kernel = try #require(shared["stem/conv/kernel"])
        kernel.value = kernel.value * 2
        #expect(features.call(.leaf(x), ctx).single.floats != y.floats)

        let stage2 = try model.extract(to: "stage2")
        #expect(stage2.signature.outputs.single.shape == Shape([-1, -1, -1, 32]))
        #expect(stage2.call(.leaf(x), ctx).single.shape == [2, 5, 4, 32])
        #expect(try model.layer(named: "fc") === model.fc)
    }

    @Test func unknownLayerNameListsTheValidNames() {
        #expect(
            throws: LayerGraphError.unknownLayer(
                name: "stage4", model: "resnet",
                validNames: ["stem", "stage1", "stage2", "stage3", "reduce_mean", "fc"])
        ) { try model.extract(to: "stage4") }
        do {
            _ = try model.layer(named: "pool")
            Issue.record("expected an error")
        } catch {
            #expect(
                error.localizedDescription == """
                    No layer named "pool" in model "resnet". Valid layer names: stem, stage1, \
                    stage2, stage3, reduce_mean, fc.
                    """)
        }
    }

    @Test func tracedFeatureExtractorTakesAnyImageSize() throws {
        let features = try model.extract(to: "reduce_mean")
        let arg = features.signature.inputs.single
        let f = Tracer.trace(arguments: [arg]) {
            [("output_0", features.call(leaves: $0, ForwardContext(training: false)).single)]
        }
        #expect(f.outputs[0].shape == Shape([-1, 64]))
        #expect(f.captures.count == features.parameters.count)
        #expect(f.nodes.filter { $0.op == "Conv2D" }.count == 9)
        #expect(f.controlOutputs.isEmpty)
        let train = Tracer.trace(arguments: [arg]) {
            [("output_0", features.call(leaves: $0, ForwardContext(training: true)).single)]
        }
        #expect(train.controlOutputs.count == 2 * 9)
    }

    @Test func movingStatisticsChangeOnlyInTraining() throws {
        let tiny = ResNetClassifier(
            .init(
                inputSize: 5, stemFilters: 3, stageFilters: [4], stageStrides: [2],
                numClasses: 3), initializer: Initializer(seed: 6))
        let images = [TestInputs.uniform([2, 7, 5, 3], stream: 91)]
        let moving = tiny.parameters.filter { !$0.parameter.trainable }.map(\.parameter)
        let before = moving.map(\.value.floats)
        _ = tiny.call(leaves: images, ForwardContext(training: false))
        #expect(moving.map(\.value.floats) == before)
        _ = tiny.call(leaves: images, ForwardContext(training: true))
        #expect(zip(moving, before).allSatisfy { $0.value.floats != $1 })
    }

    /// The whole classifier's loss (cross-entropy + L2), in training mode (batch statistics).
    @Test func tinyClassifierContract() {
        let tiny = ResNetClassifier(
            .init(
                inputSize: 5, stemFilters: 3, stageFilters: [3, 4],
                stageStrides: [1, 2], numClasses: 3, kernelRegularizer: .l2(0.01)),
            initializer: Initializer(seed: 7))
        let images = [TestInputs.uniform([2, 7, 5, 3], stream: 93)]
        let labels = TestInputs.labels(count: 2, classes: 3, stream: 94)
        let bn = ["gamma", "beta", "moving_mean", "moving_variance"]
        checkModel(
            tiny, inputs: images, outputShapes: [[2, 3]],
            parameterPaths: ["stem/conv/kernel"] + bn.map { "stem/bn/" + $0 }
                + ["stage1/block/conv1/kernel"] + bn.map { "stage1/block/bn1/" + $0 }
                + ["stage1/block/conv2/kernel"] + bn.map { "stage1/block/bn2/" + $0 }
                + ["stage2/block/conv1/kernel"] + bn.map { "stage2/block/bn1/" + $0 }
                + ["stage2/block/conv2/kernel"] + bn.map { "stage2/block/bn2/" + $0 }
                + ["stage2/block/shortcut_conv/kernel"]
                + bn.map { "stage2/block/shortcut_bn/" + $0 } + ["fc/kernel", "fc/bias"],
            context: { ForwardContext(training: true) }, gradient: .throughReLU
        ) {
            tiny.call(leaves: images, $0).single.softmaxCrossEntropy(labels: labels).mean()
                + tiny.root.regularizationLoss()
        }
    }
}
