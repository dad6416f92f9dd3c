import Foundation
import SwiftProtobuf
import Testing
import TFProto

/// Our .proto subset must decode TF-written files: the checks below would fail if a field
/// number or type in Sources/TFProto/Protos differed from TensorFlow's.
@Suite struct TFProtoTests {
    static func load(_ name: String) throws -> Tensorflow_SavedModel {
        try Tensorflow_SavedModel(serializedBytes: TensorBundleFixtures.savedModel(name))
    }

    @Test func parsesMyMul() throws {
        let model = try Self.load("my_mul")
        #expect(model.savedModelSchemaVersion == 1)
        #expect(model.metaGraphs.count == 1)
        let meta = try #require(model.metaGraphs.first)
        #expect(meta.metaInfoDef.tags == ["serve"])
        #expect(meta.metaInfoDef.tensorflowVersion == "2.21.0")
        #expect(meta.graphDef.versions.producer == 2474)
        #expect(meta.graphDef.versions.minConsumer == 12)
        #expect(meta.saverDef.version == .v2)
        let graph = meta.objectGraphDef
        #expect(graph.nodes.count == 12)
        #expect(
            graph.nodes[0].children.map(\.localName).prefix(3) == [
                "v", "variables", "trainable_variables",
            ])
        let variables = graph.nodes.compactMap { node -> Tensorflow_SavedVariable? in
            if case .variable(let variable)? = node.kind { return variable }
            return nil
        }
        #expect(variables.map(\.name) == ["Variable", "save_counter"])
        #expect(variables.first?.dtype == .dtFloat)
        #expect(variables.first?.trainable == true)
        #expect(meta.signatureDef["serving_default"]?.methodName == "tensorflow/serving/predict")
        #expect(meta.graphDef.library.function.count == 5)
    }

    @Test func parsesDictSignatureModelWithAsset() throws {
        let meta = try #require(try Self.load("dict_sig").metaGraphs.first)
        #expect(meta.objectGraphDef.nodes.count == 14)
        #expect(meta.assetFileDef.map(\.filename) == ["vocab.txt"])
        let inputs = meta.signatureDef["serving_default"]?.inputs.keys.sorted()
        #expect(inputs == ["input_mask", "input_type_ids", "input_word_ids"])
        let wordIDs = meta.signatureDef["serving_default"]?.inputs["input_word_ids"]
        #expect(wordIDs?.dtype == .dtInt32)
        #expect(wordIDs?.tensorShape.dim.map(\.size) == [-1, -1])
        #expect(wordIDs?.name == "serving_default_input_word_ids:0")
    }

    /// The proof writer's minimal model uses only fields of our subset, so nothing may be left
    /// over as unknown fields, and re-encoding must give the same message back.
    @Test func minimalModelHasNoUnknownFieldsInTheObjectGraph() throws {
        let model = try Self.load("scratch_mlp_minimal")
        let meta = try #require(model.metaGraphs.first)
        #expect(meta.objectGraphDef.nodes.count == 12)
        #expect(meta.objectGraphDef.nodes.allSatisfy { $0.unknownFields.data.isEmpty })
        #expect(meta.unknownFields.data.isEmpty)
        let concrete = try #require(meta.objectGraphDef.concreteFunctions["mlp___call___train"])
        #expect(concrete.boundInputs == [4, 5, 6, 7])
        guard case .tupleValue(let signature)? = concrete.canonicalizedInputSignature.kind,
            case .tupleValue(let positional)? = signature.values.first?.kind,
            case .tensorSpecValue(let spec)? = positional.values.first?.kind
        else {
            Issue.record(
                "unexpected canonicalized_input_signature \(concrete.canonicalizedInputSignature)")
            return
        }
        #expect(
            spec.name == "inputs" && spec.dtype == .dtFloat
                && spec.shape.dim.map(\.size) == [-1, 4])
        #expect(positional.values.last?.kind == .boolValue(true))
        let reparsed = try Tensorflow_SavedModel(
            serializedBytes: try model.serializedBytes() as [UInt8])
        #expect(reparsed == model)
    }

    /// Event/Summary encode to the bytes TensorBoard expects (wire format of event.proto).
    @Test func eventWithScalarSummaryHasTensorFlowsEncoding() throws {
        var value = Tensorflow_Summary.Value()
        value.tag = "loss"
        value.simpleValue = 0.5
        var event = Tensorflow_Event()
        event.wallTime = 1.0
        event.step = 2
        event.summary.value = [value]
        let bytes: [UInt8] = try event.serializedBytes()
        #expect(
            bytes == [
                0x09, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F,  // 1: wall_time double 1.0
                0x10, 0x02,  // 2: step 2
                0x2A, 0x0D, 0x0A, 0x0B,  // 5: summary { 1: value {
                0x0A, 0x04, 0x6C, 0x6F, 0x73, 0x73,  // 1: tag "loss"
                0x15, 0x00, 0x00, 0x00, 0x3F,
            ])  // 2: simple_value 0.5f
    }

    /// The bundle header TF writes is `08 01 1a 02 08 01`.
    @Test func bundleHeaderMatchesTensorFlowsBytes() throws {
        var header = Tensorflow_BundleHeaderProto()
        header.numShards = 1
        header.version.producer = 1
        let bytes: [UInt8] = try header.serializedBytes()
        #expect(bytes == [0x08, 0x01, 0x1A, 0x02, 0x08, 0x01])
    }
}
