import Foundation
import GardenCRC32C
import GardenExport
import GardenTensor
import TFProto
import Testing

/// `SavedModelVerifier` (what `garden inspect` runs first) on a real export written by
/// `SavedModelWriter`, damaged in each way TensorFlow's loader would trip over later.
@Suite struct SavedModelVerificationTests {
    static let data = "variables/variables.data-00000-of-00001"
    static let index = "variables/variables.index"

    /// A fresh export of the test MLP; removed by the caller.
    func export(_ label: String, _ spec: SavedModelSpec = SavedModelTestModels.mlp().spec) throws
        -> URL
    {
        let dir = SavedModelTestSupport.scratchDirectory("verify-\(label)")
        try SavedModelWriter.write(spec, to: dir, overwrite: false)
        return dir
    }

    func expectDamage(_ dir: URL, _ problem: String) {
        #expect(throws: SavedModelDamage(directory: dir.path, problem: problem)) {
            _ = try SavedModelVerifier.read(dir)
        }
    }

    /// The bundle reader's checksum message for `key` when the data file holds `data`.
    func checksumProblem(_ dir: URL, key: String, data: Data) throws -> String {
        let entry = try #require(try SavedModelReader(directory: dir).bundle?.entries[key])
        let computed = CRC32C.checksum(data.subdata(in: entry.offset..<(entry.offset + entry.size)))
        func hex(_ v: UInt32) -> String { String(format: "%08x", v) }
        return
            "\(Self.data): byte \(entry.offset): checksum mismatch for \(key) (bytes \(entry.offset)..<\(entry.offset + entry.size)): index says 0x\(hex(entry.crc32c)), computed 0x\(hex(computed))"
    }

    func rewriteSavedModel(_ dir: URL, _ change: (inout Tensorflow_MetaGraphDef) -> Void) throws {
        var model = try SavedModelReader(directory: dir).savedModel
        change(&model.metaGraphs[0])
        try SavedModelSerialization.bytes(model).write(
            to: dir.appendingPathComponent("saved_model.pb"))
    }

    @Test func anIntactExportVerifies() throws {
        let dir = try export("intact")
        defer { try? FileManager.default.removeItem(at: dir) }
        let reader = try SavedModelVerifier.read(dir)
        #expect(reader.bundle?.keys.contains("dense_0/kernel/.ATTRIBUTES/VARIABLE_VALUE") == true)
    }

    @Test func missingIndexOrDataFile() throws {
        let dir = try export("missing")
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = dir.appendingPathComponent(Self.data)
        let kept = try Data(contentsOf: data)
        try FileManager.default.removeItem(at: data)
        expectDamage(dir, "\(Self.data) is missing")
        try kept.write(to: data)
        try FileManager.default.removeItem(at: dir.appendingPathComponent(Self.index))
        expectDamage(dir, "\(Self.index) is missing")
    }

    @Test func aFlippedByteInATensorFailsItsCRC32C() throws {
        let dir = try export("flipped")
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = "dense_1/bias/.ATTRIBUTES/VARIABLE_VALUE"
        let entry = try #require(try SavedModelReader(directory: dir).bundle?.entries[key])
        let url = dir.appendingPathComponent(Self.data)
        var bytes = try Data(contentsOf: url)
        bytes[entry.offset + entry.size - 1] ^= 0x01
        try bytes.write(to: url)
        expectDamage(dir, try checksumProblem(dir, key: key, data: bytes))
    }

    @Test func theDataFileOfAnotherModelFailsTheFirstChecksum() throws {
        let dir = try export("other-data")
        // The same architecture with other weights: every payload has the right size.
        let (spec, parameters) = SavedModelTestModels.mlp()
        for p in parameters where p.value.dtype == .float32 {
            p.value = Tensor(p.value.floats.map { $0 * 3 }, shape: p.value.shape)
        }
        let other = try export("other-model", spec)
        defer {
            try? FileManager.default.removeItem(at: dir)
            try? FileManager.default.removeItem(at: other)
        }
        let own = try Data(contentsOf: dir.appendingPathComponent(Self.data))
        let foreign = try Data(contentsOf: other.appendingPathComponent(Self.data))
        #expect(own.count == foreign.count)
        try foreign.write(to: dir.appendingPathComponent(Self.data))
        // The first tensor, in index order, whose bytes differ (the object graphs are equal).
        let bundle = try #require(try SavedModelReader(directory: dir).bundle)
        let first = try #require(
            bundle.keys.first { key in
                guard let e = bundle.entries[key] else { return false }
                let range = e.offset..<(e.offset + e.size)
                return own.subdata(in: range) != foreign.subdata(in: range)
            })
        #expect(first == "dense_0/bias/.ATTRIBUTES/VARIABLE_VALUE")
        expectDamage(dir, try checksumProblem(dir, key: first, data: foreign))
    }

    @Test func objectGraphAndBundleDisagreeOnAShape() throws {
        let dir = try export("shape")
        defer { try? FileManager.default.removeItem(at: dir) }
        try rewriteSavedModel(dir) { meta in
            for i in meta.objectGraphDef.nodes.indices {
                guard case .variable(var v) = meta.objectGraphDef.nodes[i].kind,
                    v.name == "dense_0/kernel"
                else { continue }
                v.shape.dim.reverse()
                meta.objectGraphDef.nodes[i].kind = .variable(v)
            }
        }
        expectDamage(
            dir,
            "variable dense_0/kernel: \(Self.index) holds float [4, 8] under dense_0/kernel/.ATTRIBUTES/VARIABLE_VALUE, the object graph says float [8, 4]"
        )
    }

    @Test func aBundleTensorNoVariableNamesIsUnexpected() throws {
        let dir = try export("extra")
        defer { try? FileManager.default.removeItem(at: dir) }
        let bundle = try #require(try SavedModelReader(directory: dir).bundle)
        var writer = TensorBundleWriter()
        for key in bundle.keys {
            let entry = try #require(bundle.entries[key])
            if entry.dtype == .dtString {
                try writer.addString(
                    key: key, strings: try bundle.strings(key: key), shape: entry.shape)
            } else {
                try writer.add(
                    key: key, dtype: entry.dtype, shape: entry.shape,
                    bytes: try bundle.tensorBytes(key: key))
            }
        }
        try writer.add(
            key: "zz_stray/.ATTRIBUTES/VARIABLE_VALUE", dtype: .dtFloat, shape: [1],
            bytes: Data(count: 4))
        try writer.write(prefix: dir.appendingPathComponent("variables/variables"))
        expectDamage(
            dir,
            "\(Self.index) holds zz_stray/.ATTRIBUTES/VARIABLE_VALUE, which no variable of the object graph names"
        )
    }

    @Test func aSignatureDefNamingAMissingTensor() throws {
        let dir = try export("signature")
        defer { try? FileManager.default.removeItem(at: dir) }
        try rewriteSavedModel(dir) { meta in
            meta.signatureDef["serving_default"]?.outputs["output_0"]?.name = "NoSuchNode:0"
        }
        expectDamage(
            dir,
            "signature_def['serving_default'] output 'output_0' names tensor 'NoSuchNode:0', which is not a node of the graph"
        )
    }

    @Test func aConcreteFunctionMissingFromTheLibrary() throws {
        let dir = try export("function")
        defer { try? FileManager.default.removeItem(at: dir) }
        // Library names end in their position (`..._serving_default_N`), so find it by prefix.
        let prefix = "__inference_signature_wrapper_serving_default"
        let graph = try SavedModelReader(directory: dir).objectGraph
        var found: (node: Int, name: String)?
        for (index, node) in graph.nodes.enumerated() {
            if case .bareConcreteFunction(let f) = node.kind,
                f.concreteFunctionName.hasPrefix(prefix)
            {
                found = (index, f.concreteFunctionName)
            }
        }
        let (node, name) = try #require(found)
        try rewriteSavedModel(dir) { meta in
            meta.graphDef.library.function.removeAll { $0.signature.name == name }
        }
        expectDamage(
            dir,
            "object graph node \(node) calls concrete function \(name), which is not in the function library"
        )
    }
}
