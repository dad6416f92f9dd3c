import GardenTensor
import GardenTestSupport
import Testing

@Suite("Tracer")
struct TracingTests {
    /// A batch-major Float32 argument with an unknown batch size.
    func batch(_ name: String, _ dims: [Int]) -> TensorSpec {
        TensorSpec(name: name, dtype: .float32, shape: Shape([-1] + dims))
    }

    /// The node whose output `ref` names.
    func producer(_ ref: GraphRef, in f: GraphFunction) -> GraphNode? {
        guard case .output(let name, _, _) = ref else { return nil }
        return f.nodes.first { $0.name == name }
    }

    @Test func parameterProductReadsTheVariableThenMultipliesThenOutputs() {
        let v = Parameter(TestInputs.uniform([4], stream: 80), path: "v")
        let f = Tracer.trace(arguments: [batch("x", [4])]) { x in [("y", x[0] * v.read())] }
        #expect(f.nodes.map(\.op) == ["ReadVariableOp", "Mul", "Identity"])
        #expect(f.nodes[0].inputs == [.argument("v_resource")])
        #expect(
            f.nodes[1].inputs == [
                .argument("x"),
                .output(node: "v/ReadVariableOp", outputArg: "value", index: 0),
            ])
        #expect(f.arguments.map(\.name) == ["x"])
        #expect(f.captureArgumentNames == ["v_resource"])
        #expect(f.outputs.map(\.name) == ["y"])
        #expect(f.outputs[0].shape == Shape([-1, 4]))
        #expect(f.outputs[0].ref == .output(node: "Identity", outputArg: "output", index: 0))
    }

    @Test func capturesFollowFirstReadOrderAndAVariableIsReadOnce() {
        let w1 = Parameter(Tensor.ones([4, 3]), path: "w1")
        let w2 = Parameter(Tensor.ones([4, 4]), path: "w2")
        let f = Tracer.trace(arguments: [batch("x", [4])]) { x in
            let h = x[0].matmul(w2.read())
            return [
                ("y", h.matmul(w1.read()) + x[0].matmul(w2.read()).sum(axes: [1], keepDims: true))
            ]
        }
        #expect(f.captures.map(\.path) == ["w2", "w1"])
        #expect(f.captureArgumentNames == ["w2_resource", "w1_resource"])
        #expect(f.nodes.filter { $0.op == "ReadVariableOp" }.count == 2)
    }

    @Test func nodeNamesAreUnique() {
        let f = Tracer.trace(arguments: [batch("x", [5])]) { x in
            let a = x[0].dropout(rate: 0.1, seed: 0, stream: 0)
            let b = (a * 2).dropout(rate: 0.2, seed: 0, stream: 1)
            return [("y", (b * 3 + a * 4).sum(axes: [1])), ("z", b.mean())]
        }
        let names = f.nodes.map(\.name)
        #expect(Set(names).count == names.count, "\(names)")
        // Repeats get TensorFlow's `_1`, `_2` suffixes, also under a repeated scope.
        #expect(
            ["Mul", "Mul_1", "Mul_2", "dropout/Mul", "dropout/Mul_1"].allSatisfy(names.contains),
            "\(names)")
    }

    /// Unknown batch sizes flow through each shape rule.
    struct ShapeRuleCase: Sendable, CustomTestStringConvertible {
        var name: String
        var input: Shape
        var expected: Shape
        var f: @Sendable (Tensor) -> Tensor
        var testDescription: String { name }

        init(
            _ name: String, _ input: Shape, _ expected: Shape,
            _ f: @escaping @Sendable (Tensor) -> Tensor
        ) {
            self.name = name
            self.input = input
            self.expected = expected
            self.f = f
        }
    }

    static let shapeRules: [ShapeRuleCase] = [
        ShapeRuleCase("matmul [-1,4]·[4,3]", Shape([-1, 4]), Shape([-1, 3])) {
            $0.matmul(Tensor.ones([4, 3]))
        },
        ShapeRuleCase("matmul transposeA [4,-1]ᵀ·[4,3]", Shape([4, -1]), Shape([-1, 3])) {
            $0.matmul(Tensor.ones([4, 3]), transposeA: true)
        },
        ShapeRuleCase("bias [-1,4]+[4]", Shape([-1, 4]), Shape([-1, 4])) {
            $0 + Tensor.ones([4])
        },
        ShapeRuleCase("broadcast [-1,1]*[1,4]", Shape([-1, 1]), Shape([-1, 4])) {
            $0 * Tensor.ones([1, 4])
        },
        ShapeRuleCase("unary", Shape([-1, 4]), Shape([-1, 4])) { $0.relu().tanh() },
        ShapeRuleCase("sum axis 1", Shape([-1, 4]), Shape([-1])) { $0.sum(axes: [1]) },
        ShapeRuleCase("mean axis 0 keepDims", Shape([-1, 4]), Shape([1, 4])) {
            $0.mean(axes: [0], keepDims: true)
        },
        ShapeRuleCase("reshape [-1,4]→[-1,2,2]", Shape([-1, 4]), Shape([-1, 2, 2])) {
            $0.reshaped([-1, 2, 2])
        },
        ShapeRuleCase("unknown rank through bias and sum", .unknownRank, .unknownRank) {
            ($0 + Tensor.ones([4])).sum(axes: [-1])
        },
        ShapeRuleCase("dropout", Shape([-1, 4]), Shape([-1, 4])) {
            $0.dropout(rate: 0.5, seed: 0, stream: 0)
        },
    ]

    @Test(arguments: shapeRules)
    func unknownBatchDimensionsPropagate(_ c: ShapeRuleCase) {
        let f = Tracer.trace(arguments: [TensorSpec(name: "x", dtype: .float32, shape: c.input)]) {
            [("y", c.f($0[0]))]
        }
        #expect(f.outputs[0].shape == c.expected)
        #expect(f.outputs[0].dtype == .float32)
    }

    @Test func softmaxCrossEntropyTakesInt32LabelsAndGivesOneLossPerExample() {
        let f = Tracer.trace(arguments: [
            batch("logits", [7]), TensorSpec(name: "labels", dtype: .int32, shape: Shape([-1])),
        ]) { x in [("loss", x[0].softmaxCrossEntropy(labels: x[1]))] }
        let node = f.nodes.first { $0.op == "SparseSoftmaxCrossEntropyWithLogits" }
        #expect(node?.attrs["Tlabels"] == .type(.int32))
        #expect(f.outputs[0].shape == Shape([-1]))
    }

    @Test func aConstantValueIsOneNodeHoweverManyOpsReadIt() {
        let f = Tracer.trace(arguments: [batch("x", [4])]) { x in
            let y = Tracer.active?.withScope("first") { x[0] * 2 + 0.0 } ?? x[0]
            return [("y", (y * 2 + -0.0).sum(axes: [-1])), ("z", y.mean(axes: [-1]))]
        }
        let consts = f.nodes.filter { $0.op == "Const" }
        // 2 once, named where it was first read; 0.0 and -0.0 apart (equal as floats, not as
        // bits: x + -0.0 keeps a -0.0 that x + 0.0 makes 0.0); the two reductions' axis once.
        #expect(
            consts.map(\.attrs["value"]) == [
                .tensor(GraphConstant(floats: [2], shape: [])),
                .tensor(GraphConstant(floats: [0], shape: [])),
                .tensor(GraphConstant(floats: [-0.0], shape: [])),
                .tensor(GraphConstant(ints: [1], shape: [1])),
            ])
        #expect(consts.map(\.name) == ["first/Const", "first/Const_1", "Const", "Const_1"])
        let twice = f.nodes.filter { $0.op == "Mul" }.map { $0.inputs[1] }
        #expect(
            twice
                == Array(
                    repeating: .output(node: "first/Const", outputArg: "output", index: 0), count: 2
                ))
        var negativeZero = Float(0)
        negativeZero.negate()
        let zeros = consts.compactMap { n -> UInt32? in
            guard case .tensor(let c) = n.attrs["value"], c.dtype == .float32, c.floats[0] == 0
            else { return nil }
            return c.floats[0].bitPattern
        }
        #expect(zeros == [Float(0).bitPattern, negativeZero.bitPattern])
    }

    @Test func aShapeComputationRepeatedOnTheSameInputIsOneNode() {
        let x = TensorSpec(name: "x", dtype: .float32, shape: Shape([-1, -1, 4]))
        let f = Tracer.trace(arguments: [x]) { x in
            // Two dense products of one input, as an attention's query and key.
            let products = [1, 2].map { stream in
                x[0].reshaped([-1, 4]).matmul(TestInputs.uniform([4, 3], stream: stream))
                    .reshapingTrailing(keep: 2, to: [3], leadingOf: x[0])
            }
            return [("q", products[0] * 2), ("k", products[1] * 2)]
        }
        let count = { (op: String) in f.nodes.filter { $0.op == op }.count }
        // x reshaped once and its shape read once; each product reshaped back; `Mul` is not
        // shared (its inputs differ anyway) nor is any node of another op.
        #expect(
            ["Reshape", "Shape", "StridedSlice", "ConcatV2", "MatMul", "Mul"].map(count)
                == [3, 1, 1, 1, 2, 2])
        let rows = f.nodes.filter { $0.op == "MatMul" }.map { $0.inputs[0] }
        #expect(rows.count == 2 && rows[0] == rows[1])
        let backs = f.nodes.filter { $0.op == "Reshape" && $0.inputs[0] != .argument("x") }
        #expect(backs.count == 2 && backs[0].inputs[1] == backs[1].inputs[1])
    }

    @Test func dropoutLowersToRandomUniformGreaterEqualSelectV2() {
        let f = Tracer.trace(arguments: [batch("x", [4])]) { x in
            [("y", x[0].dropout(rate: 0.25, seed: 0, stream: 0))]
        }
        let ops = f.nodes.map(\.op).filter { $0 != "Const" }
        #expect(ops == ["Mul", "Shape", "RandomUniform", "GreaterEqual", "SelectV2", "Identity"])
        #expect(f.nodes.filter { $0.op != "Identity" }.allSatisfy { $0.name.hasPrefix("dropout/") })
        // The keep test compares against the rate, and kept values are scaled by 1/(1-rate).
        let greater = f.nodes.first { $0.op == "GreaterEqual" }
        let mul = f.nodes.first { $0.op == "Mul" }
        #expect(
            greater.flatMap { producer($0.inputs[1], in: f) }?.attrs["value"]
                == .tensor(GraphConstant(floats: [0.25], shape: [])))
        #expect(
            mul.flatMap { producer($0.inputs[1], in: f) }?.attrs["value"]
                == .tensor(GraphConstant(floats: [1 / 0.75], shape: [])))
    }

    @Test(arguments: ["Sum", "Mean"])
    func reductionsCarryAConstInt32ReductionIndices(_ op: String) {
        let f = Tracer.trace(arguments: [batch("x", [3, 5])]) { x in
            [
                (
                    "y",
                    op == "Sum"
                        ? x[0].sum(axes: [0, -1], keepDims: true)
                        : x[0].mean(axes: [0, -1], keepDims: true)
                )
            ]
        }
        guard let node = f.nodes.first(where: { $0.op == op }) else {
            Issue.record("no \(op) node in \(f.nodes.map(\.op))")
            return
        }
        let indices = producer(node.inputs[1], in: f)
        #expect(indices?.op == "Const")
        // Negative axes are resolved against the known rank.
        #expect(indices?.attrs["value"] == .tensor(GraphConstant(ints: [0, 2], shape: [2])))
        #expect(indices?.attrs["dtype"] == .type(.int32))
        #expect(node.attrs["keep_dims"] == .bool(true))
        #expect(f.outputs[0].shape == Shape([1, 3, 1]))
    }
}
