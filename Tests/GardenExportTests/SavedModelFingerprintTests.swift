import Foundation
import GardenExport
import TFProto
import Testing

@Suite struct SavedModelFingerprintTests {
    /// TF-written references: the fingerprint we compute from their `saved_model.pb` and
    /// `variables.index` equals the `fingerprint.pb` TensorFlow wrote beside them (fields 2–5).
    /// Not `saved_model_checksum`: TF's Python writer does not write `saved_model.pb` in the
    /// deterministic order it hashes, while our bytes are that order (the conformance suite
    /// checks our checksum against TF's for our exports).
    @Test(arguments: ["my_mul", "dict_sig"])
    func matchesTensorFlowsFingerprintOfItsOwnExport(_ name: String) throws {
        let bytes = try TensorBundleFixtures.savedModel(name)
        let written = try Tensorflow_FingerprintDef(
            serializedBytes: Data(
                contentsOf: TensorBundleFixtures.root
                    .appendingPathComponent("saved_models/\(name)/fingerprint.pb")))
        let ours = try SavedModelFingerprint.fingerprint(
            savedModel: Tensorflow_SavedModel(serializedBytes: bytes), savedModelBytes: bytes,
            checkpointIndex: TensorBundleFixtures.indexBytes(name))
        #expect(ours.savedModelChecksum != 0)
        #expect(ours.graphDefProgramHash == written.graphDefProgramHash)
        #expect(ours.signatureDefHash == written.signatureDefHash)
        #expect(ours.savedObjectGraphHash == written.savedObjectGraphHash)
        #expect(ours.checkpointHash == written.checkpointHash)
        #expect(ours.version.producer == written.version.producer)
        #expect(ours.uuid.isEmpty && !written.uuid.isEmpty)  // TF's is random; ours stays empty
    }

    @Test func exportWritesTheFingerprintOfItsOwnFiles() throws {
        let dir = SavedModelTestSupport.scratchDirectory("fingerprint")
        defer { try? FileManager.default.removeItem(at: dir) }
        try SavedModelWriter.write(SavedModelTestModels.mlp().spec, to: dir, overwrite: false)
        let bytes = try Data(contentsOf: dir.appendingPathComponent("saved_model.pb"))
        let index = try Data(contentsOf: dir.appendingPathComponent("variables/variables.index"))
        let written = try Tensorflow_FingerprintDef(
            serializedBytes: Data(contentsOf: dir.appendingPathComponent("fingerprint.pb")))
        #expect(written.savedModelChecksum == FarmHash.fingerprint64([UInt8](bytes)))
        #expect(written.checkpointHash == FarmHash.fingerprint64([UInt8](index)))
        #expect(
            written
                == (try SavedModelFingerprint.fingerprint(
                    savedModel: Tensorflow_SavedModel(serializedBytes: bytes),
                    savedModelBytes: bytes, checkpointIndex: index)))
        #expect(written.version.producer == 4)
    }

    @Test func functionNamesWithoutANumberAreRefused() throws {
        var model = Tensorflow_SavedModel()
        var meta = Tensorflow_MetaGraphDef()
        meta.objectGraphDef.concreteFunctions["__inference_f"] = Tensorflow_SavedConcreteFunction()
        model.metaGraphs = [meta]
        #expect(
            throws: ExportError.invalidSpec(
                "function name '__inference_f' does not end in a number")
        ) {
            try SavedModelFingerprint.fingerprint(
                savedModel: model, savedModelBytes: Data(), checkpointIndex: Data())
        }
    }
}
