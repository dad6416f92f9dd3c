import Foundation
import GardenExport
import TFProto
import Testing

@Suite struct SavedModelServingGraphTests {
    @Test func tf1PiecesArePresent() throws {
        let assembly = try SavedModelAssembler.assemble(SavedModelTestModels.mlp().spec)
        let meta = assembly.savedModel.metaGraphs[0]
        let nodes = Dictionary(uniqueKeysWithValues: meta.graphDef.node.map { ($0.name, $0) })
        for path in ["dense_0/kernel", "dense_0/bias", "dense_1/kernel", "dense_1/bias", "step"] {
            let handle = try #require(nodes[path])
            #expect(handle.op == "VarHandleOp")
            #expect(handle.attr["shared_name"]?.s == Data(path.utf8))
        }
        let placeholder = try #require(nodes["serving_default_inputs"])
        #expect(placeholder.op == "Placeholder")
        #expect(placeholder.attr["shape"]?.shape.dim.map(\.size) == [-1, 4])
        let call = try #require(nodes["StatefulPartitionedCall"])
        #expect(
            call.input == [
                "serving_default_inputs", "dense_0/kernel", "dense_0/bias",
                "dense_1/kernel", "dense_1/bias",
            ])
        #expect(call.attr["f"]?.func.name == "__inference_signature_wrapper_serving_default_3")
        let restore = try #require(nodes["RestoreV2"])
        #expect(
            restore.input == [
                "saver_filename", "RestoreV2/tensor_names", "RestoreV2/shape_and_slices",
            ])
        #expect(
            restore.attr["dtypes"]?.list.type == [.dtFloat, .dtFloat, .dtFloat, .dtFloat, .dtInt32])
        #expect(
            nodes["RestoreV2/tensor_names"]?.attr["value"]?.tensor.stringVal.map {
                String(decoding: $0, as: UTF8.self)
            }
                == assembly.checkpointKeys)
        #expect(nodes["AssignVariableOp_4"]?.input == ["step", "RestoreV2:4"])
        #expect(
            nodes["restore_all"]?.input == ["^AssignVariableOp"]
                + (1...4).map { "^AssignVariableOp_\($0)" })

        #expect(meta.saverDef.filenameTensorName == "saver_filename:0")
        #expect(meta.saverDef.restoreOpName == "restore_all")
        #expect(meta.saverDef.version == .v2)
        let signature = try #require(meta.signatureDef["serving_default"])
        #expect(signature.methodName == "tensorflow/serving/predict")
        #expect(signature.inputs["inputs"]?.name == "serving_default_inputs:0")
        #expect(signature.outputs["output_0"]?.name == "StatefulPartitionedCall:0")
        #expect(signature.outputs["output_0"]?.tensorShape.dim.map(\.size) == [-1, 3])
    }

    @Test func dictSignatureOutputsFollowSortedKeys() throws {
        let meta = try SavedModelAssembler.assemble(SavedModelTestModels.dictModel().spec)
            .savedModel.metaGraphs[0]
        let signature = try #require(meta.signatureDef["serving_default"])
        #expect(signature.inputs.keys.sorted() == ["a", "b"])
        #expect(signature.outputs["scaled"]?.name == "StatefulPartitionedCall:0")
        #expect(signature.outputs["sum"]?.name == "StatefulPartitionedCall:1")
    }

    @Test func servingGraphCanBeLeftOut() throws {
        var (spec, _) = SavedModelTestModels.mlp()
        spec.includesServingGraph = false
        let meta = try SavedModelAssembler.assemble(spec).savedModel.metaGraphs[0]
        #expect(meta.graphDef.node.isEmpty)
        #expect(!meta.hasSaverDef)
        #expect(meta.signatureDef.isEmpty)
        // The TF2 signature stays in the object graph.
        #expect(
            meta.objectGraphDef.concreteFunctions["__inference_signature_wrapper_serving_default_3"]
                != nil)
    }
}
