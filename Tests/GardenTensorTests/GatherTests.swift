import GardenTensor
import GardenTestSupport
import Testing

/// Gather, ScatterAddRows, BatchGather and BatchScatterAdd: kernels against index-by-index
/// references, vjps against finite differences.
@Suite("Gather and scatter")
struct GatherTests {
    let table = TestInputs.uniform([7, 3], stream: 200)
    // Repeats (4 twice, 0 twice) check that scatter adds rather than overwrites.
    let ids = Tensor(int32: [4, 0, 6, 4, 2, 0], shape: [2, 3])

    @Test func gatherCopiesTheIndexedRows() {
        let y = table.gather(ids)
        let t = table.floats
        let expected = ids.int32s.flatMap { r in (0..<3).map { Double(t[Int(r) * 3 + $0]) } }
        expectClose(y, expected, shape: [2, 3, 3], absolute: 0, relative: 0)
    }

    @Test func scatterAddRowsSumsRepeatedRows() {
        let updates = TestInputs.uniform([2, 3, 3], stream: 201)
        let y = updates.scatterAddRows(indices: ids, rowCount: 7)
        var expected = [Double](repeating: 0, count: 21)
        for (i, r) in ids.int32s.enumerated() {
            for j in 0..<3 { expected[Int(r) * 3 + j] += Double(updates.floats[i * 3 + j]) }
        }
        expectClose(y, expected, shape: [7, 3])
    }

    @Test func batchGatherPicksPositionsPerExample() {
        let x = TestInputs.uniform([2, 5, 3], stream: 202)
        let positions = Tensor(int32: [4, 0, 4, 1], shape: [2, 2])
        let y = x.batchGather(positions)
        var expected: [Double] = []
        for b in 0..<2 {
            for p in 0..<2 {
                let s = Int(positions.int32s[b * 2 + p])
                expected += (0..<3).map { Double(x.floats[(b * 5 + s) * 3 + $0]) }
            }
        }
        expectClose(y, expected, shape: [2, 2, 3], absolute: 0, relative: 0)
    }

    @Test func batchScatterAddIsTheTransposeOfBatchGather() {
        let updates = TestInputs.uniform([2, 3, 4], stream: 203)
        let positions = Tensor(int32: [1, 1, 3, 0, 2, 0], shape: [2, 3])
        let y = updates.batchScatterAdd(positions: positions, length: 5)
        var expected = [Double](repeating: 0, count: 2 * 5 * 4)
        for b in 0..<2 {
            for p in 0..<3 {
                let s = Int(positions.int32s[b * 3 + p])
                for j in 0..<4 {
                    expected[(b * 5 + s) * 4 + j] += Double(updates.floats[(b * 3 + p) * 4 + j])
                }
            }
        }
        expectClose(y, expected, shape: [2, 5, 4])
    }

    @Test func vjpsMatchFiniteDifferences() {
        checkGradients(of: { $0[0].gather($0[1]) }, at: [table, ids])
        checkGradients(
            of: { $0[0].scatterAddRows(indices: $0[1], rowCount: 7) },
            at: [TestInputs.uniform([2, 3, 3], stream: 204), ids])
        let positions = Tensor(int32: [4, 0, 4, 1, 3, 3], shape: [2, 3])
        checkGradients(
            of: { $0[0].batchGather($0[1]) },
            at: [TestInputs.uniform([2, 5, 3], stream: 205), positions])
        checkGradients(
            of: { $0[0].batchScatterAdd(positions: $0[1], length: 5) },
            at: [TestInputs.uniform([2, 3, 3], stream: 206), positions])
    }

    @Test func gatherLowersToGatherV2OnAxisZeroWithUnknownIndexDims() {
        let f = Tracer.trace(arguments: [
            TensorSpec(name: "ids", dtype: .int32, shape: Shape([-1, -1]))
        ]) { x in [("y", table.gather(x[0]))] }
        let node = f.nodes.first { $0.op == "GatherV2" }
        #expect(node?.attrs["Tparams"] == .type(.float32))
        #expect(node?.attrs["Tindices"] == .type(.int32))
        #expect(node?.attrs["Taxis"] == .type(.int32))
        #expect(node?.attrs["batch_dims"] == nil)
        #expect(
            node.flatMap { producingNode($0.inputs[2], in: f) }?.attrs["value"]
                == .tensor(GraphConstant(ints: [0], shape: [])))
        #expect(f.outputs[0].shape == Shape([-1, -1, 3]))
    }

    @Test func batchGatherLowersToGatherV2WithBatchDimsOne() {
        let f = Tracer.trace(arguments: [
            TensorSpec(name: "x", dtype: .float32, shape: Shape([-1, -1, 4])),
            TensorSpec(name: "positions", dtype: .int32, shape: Shape([-1, 3])),
        ]) { x in [("y", x[0].batchGather(x[1]))] }
        let node = f.nodes.first { $0.op == "GatherV2" }
        #expect(node?.attrs["batch_dims"] == .int(1))
        #expect(
            node.flatMap { producingNode($0.inputs[2], in: f) }?.attrs["value"]
                == .tensor(GraphConstant(ints: [1], shape: [])))
        #expect(f.outputs[0].shape == Shape([-1, 3, 4]))
    }

    @Test func scattersLowerToUnsortedSegmentSumAndOneHotProduct() {
        let f = Tracer.trace(arguments: [
            TensorSpec(name: "u", dtype: .float32, shape: Shape([-1, 3, 4])),
            TensorSpec(name: "i", dtype: .int32, shape: Shape([-1, 3])),
        ]) { x in
            [
                ("rows", x[0].scatterAddRows(indices: x[1], rowCount: 9)),
                ("batch", x[0].batchScatterAdd(positions: x[1], length: 5)),
            ]
        }
        let segment = f.nodes.first { $0.op == "UnsortedSegmentSum" }
        #expect(segment?.attrs["Tindices"] == .type(.int32))
        #expect(segment?.attrs["Tnumsegments"] == .type(.int32))
        let oneHot = f.nodes.first { $0.op == "OneHot" }
        #expect(oneHot?.attrs["TI"] == .type(.int32))
        #expect(f.nodes.first { $0.op == "BatchMatMulV2" }?.attrs["adj_x"] == .bool(true))
        #expect(f.outputs.map(\.shape) == [Shape([9, 4]), Shape([-1, 5, 4])])
    }
}

/// The node whose output `ref` names.
func producingNode(_ ref: GraphRef, in f: GraphFunction) -> GraphNode? {
    guard case .output(let name, _, _) = ref else { return nil }
    return f.nodes.first { $0.name == name }
}
