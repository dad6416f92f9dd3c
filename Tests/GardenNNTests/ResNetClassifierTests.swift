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
        #expect(model.signature.inputs == [TensorSpec("inputs", .float32, Shape([-1, -1, -1, 3]))])
        #expect(model.signature.outputs == [TensorSpec("output_0", .float32, Shape([-1, 10]))])
    }

    @Test func extractionSharesParametersAndGivesFeatures() throws {
        let features = try model.extract(to: "reduce_mean")
        #expect(features.layerNames == ["stem", "stage1", "stage2", "stage3", "reduce_mean"])
        #expect(features.signature.outputs == [TensorSpec("output_0", .float32, Shape([-1, 64]))])
        let shared = Dictionary(
            uniqueKeysWithValues: model.parameters.map { ($0.path, $0.parameter) })
        #expect(features.parameters.count == model.parameters.count - 2)
        #expect(features.parameters.allSatisfy { shared[$0.path] === $0.parameter })

        let x = TestInputs.uniform([2, 9, 7, 3], stream: 90)
        let ctx = ForwardContext(training: false)
        let y = features.call([x], ctx)[0]
        #expect(y.shape == [2, 64])
        #expect(y.floats == (try model.output(of: "reduce_mean", [x], ctx)).floats)
        // A change to the full model's weights is seen by the part.
        let kernel = try #require(shared["stem/conv/kernel"])
        kernel.value = kernel.value * 2
        #expect(features.call([x], ctx)[0].floats != y.floats)

        let stage2 = try model.extract(to: "stage2")
        #expect(stage2.signature.outputs[0].shape == Shape([-1, -1, -1, 32]))
        #expect(stage2.call([x], ctx)[0].shape == [2, 5, 4, 32])
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
        let spec = features.signature.inputs[0]
        let arg = GraphArgument(name: spec.name, dtype: spec.dtype, shape: spec.shape)
        let f = Tracer.trace(arguments: [arg]) {
            [("output_0", features.call($0, ForwardContext(training: false))[0])]
        }
        #expect(f.outputs[0].shape == Shape([-1, 64]))
        #expect(f.captures.count == features.parameters.count)
        #expect(f.nodes.filter { $0.op == "Conv2D" }.count == 9)
        #expect(f.controlOutputs.isEmpty)
        let train = Tracer.trace(arguments: [arg]) {
            [("output_0", features.call($0, ForwardContext(training: true))[0])]
        }
        #expect(train.controlOutputs.count == 2 * 9)
    }

    @Test func movingStatisticsChangeOnlyInTraining() throws {
        let tiny = ResNetClassifier(
            .init(
                inputSize: 5, stemFilters: 3, stageFilters: [4], stageStrides: [2],
                numClasses: 3), initializer: Initializer(seed: 6))
        let batch = Batch(
            inputs: [TestInputs.uniform([2, 7, 5, 3], stream: 91)],
            targets: TestInputs.labels(count: 2, classes: 3, stream: 92))
        let moving = tiny.parameters.filter { !$0.parameter.trainable }.map(\.parameter)
        let before = moving.map(\.value.floats)
        _ = tiny.loss(batch, ForwardContext(training: false))
        #expect(moving.map(\.value.floats) == before)
        let (_, metrics) = tiny.loss(batch, ForwardContext(training: true))
        #expect(zip(moving, before).allSatisfy { $0.value.floats != $1 })
        #expect(Set(metrics.keys) == ["cross_entropy", "accuracy"])
    }

    /// The whole classifier's loss (cross-entropy + L2), in training mode (batch statistics),
    /// against finite differences of every trainable parameter.
    @Test func tinyClassifierLossGradientMatchesFiniteDifferences() {
        let tiny = ResNetClassifier(
            .init(
                inputSize: 5, stemFilters: 3, stageFilters: [3, 4],
                stageStrides: [1, 2], numClasses: 3, kernelRegularizer: .l2(0.01)),
            initializer: Initializer(seed: 7))
        let batch = Batch(
            inputs: [TestInputs.uniform([2, 7, 5, 3], stream: 93)],
            targets: TestInputs.labels(count: 2, classes: 3, stream: 94))
        let trainable = tiny.parameters.map(\.parameter).filter(\.trainable)
        let (_, grads) = Tape.valueWithGradients {
            tiny.loss(batch, ForwardContext(training: true)).loss
        }
        #expect(grads.count == trainable.count)
        expectParameterGradientsMatch(trainable) {
            tiny.loss(batch, ForwardContext(training: true)).loss
        }
    }
}
