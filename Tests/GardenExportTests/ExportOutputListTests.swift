import GardenExport
import TFProto
import GardenTensor
import Testing

@Suite struct ExportOutputListTests {
    static func spec(_ name: String) -> ExportTensorSpec {
        ExportTensorSpec(name: name, dtype: .float32, shape: Shape([-1, 4]))
    }

    @Test func listElementsFlattenInListOrderAtTheirKeysPlace() throws {
        let layers = (0..<12).map { "encoder_outputs_\($0)" }
        let outputs = (["sequence_output", "pooled_output", "default"] + layers.reversed()).map(
            Self.spec)
        let sig = try ExportSignature(
            inputKind: .dict, inputs: [Self.spec("input_word_ids")], outputs: outputs,
            outputLists: [ExportOutputList(name: "encoder_outputs", elements: layers)])
        // tf.nest: dict keys sorted (default < encoder_outputs < pooled_output < ...), list in order.
        #expect(
            sig.outputs.map(\.name) == ["default"] + layers + ["pooled_output", "sequence_output"])
    }

    @Test func aListNamingAnUnknownOutputIsRejected() {
        #expect(throws: ExportError.self) {
            try ExportSignature(
                inputKind: .dict, inputs: [Self.spec("x")], outputs: [Self.spec("y")],
                outputLists: [ExportOutputList(name: "ys", elements: ["z"])])
        }
    }

    @Test func aBoolConstantIsOneByte() {
        let c = ExportedConstant.bool("do_lower_case", true)
        #expect(Array(c.bytes) == [1] && c.shape == [] && c.dtype == .dtBool)
    }
}
