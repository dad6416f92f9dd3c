import GardenTensor
import GardenTestSupport
import Testing

@Suite("Tracing convolution, pooling and batch norm")
struct SpatialTracingTests {
    func image(_ dims: [Int]) -> TensorSpec {
        TensorSpec(name: "inputs", dtype: .float32, shape: Shape(dims))
    }

    func node(_ op: String, _ f: GraphFunction) -> GraphNode? { f.nodes.first { $0.op == op } }

    @Test func conv2dLowersWithStridesPaddingAndUnknownImageSize() throws {
        let w = Parameter(TestInputs.uniform([3, 3, 3, 4], stream: 60), path: "conv/kernel")
        let f = Tracer.trace(arguments: [image([-1, -1, -1, 3])]) { x in
            [("y", x[0].conv2d(w.read(), stride: 2, padding: .same))]
        }
        #expect(f.nodes.map(\.op) == ["ReadVariableOp", "Conv2D", "Identity"])
        let conv = try #require(node("Conv2D", f))
        #expect(
            conv.inputs == [
                .argument("inputs"),
                .output(node: "conv/kernel/ReadVariableOp", outputArg: "value", index: 0),
            ])
        #expect(
            conv.attrs == [
                "T": .type(.float32), "strides": .ints([1, 2, 2, 1]),
                "padding": .string("SAME"),
            ])
        #expect(f.outputs[0].shape == Shape([-1, -1, -1, 4]))
    }

    @Test func conv2dShapeRuleKeepsKnownSizes() {
        let w = Parameter(TestInputs.uniform([3, 2, 3, 4], stream: 61), path: "k")
        let f = Tracer.trace(arguments: [image([-1, 7, 5, 3])]) { x in
            [
                ("same", x[0].conv2d(w.read(), stride: 2, padding: .same)),
                ("valid", x[0].conv2d(w.read(), stride: 2, padding: .valid)),
            ]
        }
        #expect(f.outputs.map(\.shape) == [Shape([-1, 4, 3, 4]), Shape([-1, 3, 2, 4])])
        #expect(
            f.nodes.filter { $0.op == "Conv2D" }.map { $0.attrs["padding"] }
                == [.string("SAME"), .string("VALID")])
    }

    @Test func poolsLowerToMaxPoolAndAvgPool() throws {
        let f = Tracer.trace(arguments: [image([-1, -1, 9, 2])]) { x in
            [
                ("max", x[0].maxPool(size: 3, stride: 2, padding: .same)),
                ("avg", x[0].avgPool(size: 2, stride: 2)),
            ]
        }
        let maxPool = try #require(node("MaxPool", f))
        #expect(
            maxPool.attrs == [
                "T": .type(.float32), "ksize": .ints([1, 3, 3, 1]),
                "strides": .ints([1, 2, 2, 1]), "padding": .string("SAME"),
            ])
        let avgPool = try #require(node("AvgPool", f))
        #expect(avgPool.attrs["padding"] == .string("VALID"))
        #expect(avgPool.attrs["ksize"] == .ints([1, 2, 2, 1]))
        #expect(f.outputs.map(\.shape) == [Shape([-1, -1, 5, 2]), Shape([-1, -1, 4, 2])])
    }

    @Test func backpropOpsLowerWithConstantSizes() throws {
        let f = Tracer.trace(arguments: [
            image([2, 7, 5, 3]),
            TensorSpec(name: "dy", dtype: .float32, shape: Shape([2, 4, 3, 4])),
        ]) { a in
            let w = Tensor.ones([3, 3, 3, 4])
            return [
                (
                    "dx",
                    Tensor.conv2dBackpropInput(
                        inputShape: [2, 7, 5, 3], filter: w, outBackprop: a[1],
                        stride: 2, padding: .same)
                ),
                (
                    "dw",
                    a[0].conv2dBackpropFilter(
                        filterShape: [3, 3, 3, 4], outBackprop: a[1], stride: 2,
                        padding: .same)
                ),
            ]
        }
        let input = try #require(node("Conv2DBackpropInput", f))
        let filter = try #require(node("Conv2DBackpropFilter", f))
        #expect(input.inputs.count == 3 && filter.inputs.count == 3)
        #expect(input.attrs["strides"] == .ints([1, 2, 2, 1]))
        #expect(f.outputs.map(\.shape) == [Shape([2, 7, 5, 3]), Shape([3, 3, 3, 4])])
        // The sizes are the first input of Conv2DBackpropInput and the second of ...Filter.
        let sizes = f.nodes.filter { $0.op == "Const" && $0.attrs["dtype"] == .type(.int32) }
        #expect(
            sizes.compactMap { n -> [Int32]? in
                if case .tensor(let c) = n.attrs["value"] { return c.ints } else { return nil }
            } == [[2, 7, 5, 3], [3, 3, 3, 4]])
    }

    @Test func batchNormInferenceWritesIsTrainingFalse() throws {
        let params = (0..<4).map {
            Parameter(Tensor.ones([3]), path: "bn/p\($0)", trainable: $0 < 2)
        }
        let f = Tracer.trace(arguments: [image([-1, -1, -1, 3])]) { x in
            [
                (
                    "y",
                    x[0].batchNorm(
                        scale: params[0].read(), offset: params[1].read(),
                        mean: params[2].read(), variance: params[3].read(), epsilon: 1e-3)
                )
            ]
        }
        let bn = try #require(node("FusedBatchNormV3", f))
        #expect(
            bn.attrs == [
                "T": .type(.float32), "U": .type(.float32), "epsilon": .float(1e-3),
                "is_training": .bool(false),
            ])
        #expect(bn.inputs.count == 5)
        #expect(f.outputs[0].shape == Shape([-1, -1, -1, 3]))
        #expect(f.controlOutputs.isEmpty)
    }

    /// Training: FusedBatchNormV3 with is_training true; the moving statistics are updated by
    /// `AssignSubVariableOp(moving, (moving - batch_stat) * (1 - momentum))`, wired as control
    /// outputs that every output Identity depends on (savedmodel-format §5.4).
    @Test func batchNormTrainingUpdatesMovingStatisticsThroughControlOutputs() throws {
        let gamma = Parameter(Tensor.ones([3]), path: "bn/gamma")
        let beta = Parameter(Tensor.zeros([3]), path: "bn/beta")
        let mean = Parameter(Tensor.zeros([3]), path: "bn/moving_mean", trainable: false)
        let variance = Parameter(Tensor.ones([3]), path: "bn/moving_variance", trainable: false)
        let f = Tracer.trace(arguments: [image([-1, -1, -1, 3])]) { x in
            let r = x[0].batchNormTraining(
                scale: gamma.read(), offset: beta.read(),
                mean: mean.read(), variance: variance.read(), epsilon: 1e-3)
            mean.assignMovingAverage(r.batchMean, momentum: 0.99)
            variance.assignMovingAverage(r.batchVariance, momentum: 0.99)
            return [("y", r.output)]
        }
        let bn = try #require(node("FusedBatchNormV3", f))
        #expect(bn.attrs["is_training"] == .bool(true))
        let assigns = f.nodes.filter { $0.op == "AssignSubVariableOp" }
        #expect(
            assigns.map(\.name) == [
                "bn/moving_mean/AssignSubVariableOp",
                "bn/moving_variance/AssignSubVariableOp",
            ])
        #expect(
            assigns.map { $0.inputs[0] } == [
                .argument("bn_moving_mean_resource"),
                .argument("bn_moving_variance_resource"),
            ])
        #expect(assigns.allSatisfy { $0.attrs == ["dtype": .type(.float32)] })
        #expect(f.controlOutputs == assigns.map(\.name))
        let identity = try #require(node("Identity", f))
        #expect(identity.controlInputs == assigns.map(\.name))
        // delta = (read - batch_stat) * (1 - momentum): Sub reads the batch statistic outputs.
        let subs = f.nodes.filter { $0.op == "Sub" }
        #expect(
            subs.map { $0.inputs[1] } == [
                .output(node: bn.name, outputArg: "batch_mean", index: 0),
                .output(node: bn.name, outputArg: "batch_variance", index: 0),
            ])
        #expect(
            subs.map { $0.inputs[0] } == [
                .output(node: "bn/moving_mean/ReadVariableOp", outputArg: "value", index: 0),
                .output(node: "bn/moving_variance/ReadVariableOp", outputArg: "value", index: 0),
            ])
        // Both updates scale by one `Const` of 1 - momentum (a value is one node in a trace).
        let decay = f.nodes.filter { n in
            guard n.op == "Const", case .tensor(let c) = n.attrs["value"] else { return false }
            return c.dtype == .float32 && c.floats == [1 - Float(0.99)]
        }
        #expect(decay.count == 1)
        let decayRef = GraphRef.output(
            node: try #require(decay.first).name, outputArg: "output", index: 0)
        let scaled = f.nodes.filter { $0.op == "Mul" && $0.inputs.contains(decayRef) }
        #expect(
            scaled.map { $0.inputs[0] }
                == subs.map { .output(node: $0.name, outputArg: "z", index: 0) })
    }
}
