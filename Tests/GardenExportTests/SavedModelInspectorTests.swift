import Foundation
import GardenExport
import Testing

@Suite struct SavedModelInspectorTests {
    @Test func summaryListsSignaturesObjectsVariablesAndFunctions() throws {
        let (dir, reader) = try SavedModelTestSupport.exportAndRead(
            SavedModelTestModels.mlp().spec, label: "inspect")
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = try SavedModelInspector.describe(reader)
        let lines = Set(text.split(separator: "\n").map(String.init))
        for expected in [
            "MetaGraphDef with tag-set: 'serve'",
            "  signature_def['serving_default']:",
            "    inputs['inputs'] float [?, 4] name: serving_default_inputs:0",
            "    outputs['output_0'] float [?, 3] name: StatefulPartitionedCall:0",
            "    method name: tensorflow/serving/predict",
            "  (root): _generic_user_object",
            "    dense_0: _generic_user_object",
            "      kernel: variable dense_0/kernel float [4, 8]",
            "      0: variable dense_0/kernel float [4, 8] (shared, shown above)",
            "    __call__: function [__inference___call___train_0, __inference___call___infer_1]",
            "      serving_default: concrete function __inference_signature_wrapper_serving_default_3(inputs)",
            "  dense_0/kernel float [4, 8] trainable key dense_0/kernel/.ATTRIBUTES/VARIABLE_VALUE",
            "  step int32 [] non-trainable key step/.ATTRIBUTES/VARIABLE_VALUE",
        ] {
            #expect(lines.contains(expected), "missing line: \(expected)\n\(text)")
        }
    }

    @Test func missingSavedModelIsReported() {
        let dir = SavedModelTestSupport.scratchDirectory("missing")
        #expect(
            throws: ExportError.unreadable(
                path: dir.path, message: "no saved_model.pb in the directory")
        ) {
            try SavedModelInspector.describe(dir)
        }
    }
}
