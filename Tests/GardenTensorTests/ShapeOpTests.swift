import GardenTensor
import GardenTestSupport
import Testing

/// Cast, ExpandDims, TakeIndex, ReshapeTrailing and AxisRange: the ops that keep BERT's batch
/// and sequence dims dynamic in traces.
@Suite("Cast and dynamic-shape ops")
struct ShapeOpTests {
    let dynamic = TensorSpec(name: "x", dtype: .float32, shape: Shape([-1, -1, 6]))

    @Test func castConvertsInt32ToFloatAndTruncatesBack() {
        let m = Tensor(int32: [1, 0, -3], shape: [3])
        #expect(m.cast(to: .float32).floats == [1, 0, -3])
        #expect(Tensor([1.7, -1.7, 0], shape: [3]).cast(to: .int32).int32s == [1, -1, 0])
    }

    @Test func takeIndexCopiesOneSliceOfTheAxis() {
        let x = TestInputs.uniform([2, 5, 3], stream: 240)
        let expected = (0..<6).map { i in Double(x.floats[(i / 3) * 15 + 2 * 3 + i % 3]) }
        expectClose(
            x.taking(index: 2, alongAxis: 1), expected, shape: [2, 3], absolute: 0, relative: 0)
    }

    @Test func reshapesAndExpandDimsKeepTheValues() {
        let x = TestInputs.uniform([2, 3, 6], stream: 241)
        let split = x.reshapingTrailing(keep: 2, to: [2, 3])
        #expect(split.shape == [2, 3, 2, 3])
        #expect(split.floats == x.floats)
        #expect(split.reshapingTrailing(keep: 2, to: [6]).shape == [2, 3, 6])
        #expect(x.expandingDims(at: 1).shape == [2, 1, 3, 6])
        #expect(x.expandingDims(at: 3).shape == [2, 3, 6, 1])
    }

    @Test func axisRangeCountsAlongTheAxis() {
        #expect(
            Tensor(int32: [Int32](repeating: 7, count: 10), shape: [2, 5]).positions(alongAxis: 1)
                .int32s
                == [0, 1, 2, 3, 4])
    }

    @Test func vjpsMatchFiniteDifferences() {
        let x = TestInputs.uniform([2, 5, 3], stream: 242)
        checkGradients(of: { $0[0].taking(index: 0, alongAxis: 1) }, at: [x])
        checkGradients(of: { $0[0].taking(index: 2, alongAxis: 2) }, at: [x])
        checkGradients(of: { $0[0].reshapingTrailing(keep: 1, to: [15]) }, at: [x])
        checkGradients(of: { $0[0].expandingDims(at: 1) }, at: [x])
        checkGradients(of: { $0[0].cast(to: .float32) * $0[0] }, at: [x])
    }

    @Test func poolerSliceLowersToTheVerifiedStridedSlice() {
        let f = Tracer.trace(arguments: [dynamic]) { x in
            [("y", x[0].taking(index: 0, alongAxis: 1))]
        }
        guard let node = f.nodes.first(where: { $0.op == "StridedSlice" }) else {
            Issue.record("no StridedSlice in \(f.nodes.map(\.op))")
            return
        }
        let constants = node.inputs.dropFirst().map { producingNode($0, in: f)?.attrs["value"] }
        #expect(
            constants == [
                .tensor(GraphConstant(ints: [0, 0, 0], shape: [3])),
                .tensor(GraphConstant(ints: [0, 1, 0], shape: [3])),
                .tensor(GraphConstant(ints: [1, 1, 1], shape: [3])),
            ])
        #expect(node.attrs["begin_mask"] == .int(5))
        #expect(node.attrs["end_mask"] == .int(5))
        #expect(node.attrs["shrink_axis_mask"] == .int(2))
        #expect(f.outputs[0].shape == Shape([-1, 6]))
    }

    @Test func splitHeadsWithUnknownLeadingDimsReadsTheRuntimeShape() {
        let f = Tracer.trace(arguments: [dynamic]) { x in
            [("y", x[0].reshapingTrailing(keep: 2, to: [2, 3]))]
        }
        let ops = f.nodes.map(\.op).filter { $0 != "Const" }
        #expect(ops == ["Shape", "StridedSlice", "ConcatV2", "Reshape", "Identity"])
        #expect(f.nodes.first { $0.op == "ConcatV2" }?.attrs["N"] == .int(2))
        #expect(f.outputs[0].shape == Shape([-1, -1, 2, 3]))
        // Known leading dims need no run-time shape.
        let known = Tracer.trace(arguments: [
            TensorSpec(name: "x", dtype: .float32, shape: Shape([4, 6]))
        ]) { x in [("y", x[0].reshapingTrailing(keep: 1, to: [2, 3]))] }
        #expect(known.nodes.map(\.op).filter { $0 != "Const" } == ["Reshape", "Identity"])
    }

    @Test func leadingAxesOfAnotherTensorAreReadFromItsRuntimeShape() {
        // A dense layer's `[B·S, 4]` product back to its `[B, S, 6]` input's leading axes.
        let f = Tracer.trace(arguments: [dynamic]) { x in
            [
                (
                    "y",
                    x[0].reshaped([-1, 6]).reshapingTrailing(keep: 2, to: [2, 3], leadingOf: x[0])
                )
            ]
        }
        let ops = f.nodes.map(\.op).filter { $0 != "Const" }
        #expect(ops == ["Reshape", "Shape", "StridedSlice", "ConcatV2", "Reshape", "Identity"])
        // The shape is the input's, not the flattened product's.
        #expect(f.nodes.first { $0.op == "Shape" }?.inputs == [.argument("x")])
        #expect(f.outputs[0].shape == Shape([-1, -1, 2, 3]))

        let x = TestInputs.uniform([2, 3, 6], stream: 243)
        let y = x.reshaped([6, 6]).reshapingTrailing(keep: 2, to: [2, 3], leadingOf: x)
        #expect(y.shape == [2, 3, 2, 3])
        #expect(y.floats == x.floats)
        let rows = TestInputs.uniform([6, 4], stream: 244)
        checkGradients(
            of: { $0[0].reshapingTrailing(keep: 2, to: [4], leadingOf: x) }, at: [rows])
    }

    @Test func positionsAndMaskStayDynamic() {
        let f = Tracer.trace(arguments: [
            TensorSpec(name: "mask", dtype: .int32, shape: Shape([-1, -1]))
        ]) { x in
            [
                ("positions", x[0].positions(alongAxis: 1)),
                ("mask", x[0].cast(to: .float32).expandingDims(at: 1)),
            ]
        }
        let ops = f.nodes.map(\.op).filter { $0 != "Const" }
        #expect(
            ops == ["Shape", "StridedSlice", "Range", "Cast", "ExpandDims", "Identity", "Identity"])
        #expect(f.nodes.first { $0.op == "StridedSlice" }?.attrs["shrink_axis_mask"] == .int(1))
        #expect(f.nodes.first { $0.op == "Range" }?.attrs["Tidx"] == .type(.int32))
        let cast = f.nodes.first { $0.op == "Cast" }
        #expect(cast?.attrs == ["SrcT": .type(.int32), "DstT": .type(.float32)])
        #expect(f.outputs.map(\.shape) == [Shape([-1]), Shape([-1, 1, -1])])
        #expect(f.outputs.map(\.dtype) == [.int32, .float32])
    }
}
