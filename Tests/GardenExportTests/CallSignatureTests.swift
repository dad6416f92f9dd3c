import GardenExport
import GardenTensor
import TFProto
import Testing

@Suite struct CallSignatureTests {
    static func trace(outputs: [String]) -> GraphFunction {
        Tracer.trace(arguments: [TensorSpec("x", .float32, Shape([-1, 4]))]) { xs in
            outputs.map { ($0, xs[0] * 2) }
        }
    }

    @Test func theDeclaredStructureTakesTheTracesLeaves() throws {
        let f = Self.trace(outputs: ["b", "a"])
        let declared = Signature(
            inputs: .leaf(TensorSpec("x", .float32, .unknownRank)),
            outputs: .named([
                "b": TensorSpec("b", .float32, .unknownRank),
                "a": TensorSpec("a", .float32, .unknownRank),
            ]))
        let s = try CallFunction(training: f, inference: f, signature: declared).signature()
        // Shapes are the trace's; flattened order is TensorFlow's.
        #expect(s.inputs.single.shape == Shape([-1, 4]))
        #expect(s.outputs.flattened.map(\.name) == ["a", "b"])
        #expect(s.outputs.flattened.map(\.shape) == [Shape([-1, 4]), Shape([-1, 4])])
    }

    @Test func aTraceThatDoesNotFitItsSignatureIsRejected() {
        let f = Self.trace(outputs: ["a", "b"])
        #expect(
            throws: ExportError.invalidSpec(
                "outputs declared as a single tensor but the function has 2: [\"a\", \"b\"]; declare them as a dict"
            )
        ) { try CallFunction(training: f, inference: f).signature() }
    }

    @Test func aBoolConstantIsOneByte() {
        let c = ExportedConstant.bool("do_lower_case", true)
        #expect(Array(c.bytes) == [1] && c.shape == [] && c.dtype == .dtBool)
    }
}
