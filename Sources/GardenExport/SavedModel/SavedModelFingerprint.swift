import Foundation
import SwiftProtobuf
import TFProto

/// `fingerprint.pb`, computed as TensorFlow 2.21 computes it when it saves
/// (`tensorflow/cc/saved_model/fingerprinting.cc`, `CreateFingerprintDefPb`), with FarmHash's
/// `Fingerprint64` over deterministic serializations:
///
/// 1. `saved_model_checksum`: of `saved_model.pb` (our bytes are the deterministic encoding);
/// 2. `graph_def_program_hash`: of the GraphDef with the library and versions emptied, function
///    call names stripped of their numeric suffix and string constants cleared;
/// 3. `signature_def_hash`: signature keys and SignatureDefs, chained in key order;
/// 4. `saved_object_graph_hash`: concrete-function names without their numeric suffix and the
///    SavedConcreteFunctions, chained in suffix order;
/// 5. `checkpoint_hash`: of `variables/variables.index`;
///
/// `version.producer` 4 as TF's. TF also writes a random `uuid`; it is left empty here, since the
/// same export must give the same bytes. The conformance suite compares fields 1–5 with what
/// TensorFlow computes for the same directory.
public enum SavedModelFingerprint {
    /// TF's `kFingerprintProducer` for a `saved_model.pb`.
    public static let producer: Int32 = 4

    /// The fingerprint of an export whose `saved_model.pb` and `variables.index` hold these bytes.
    ///
    /// - Throws: ``ExportError/invalidSpec(_:)`` when a concrete function's name does not end
    ///   in `_<number>` (TF's fingerprinting refuses such names too).
    public static func fingerprint(
        savedModel: Tensorflow_SavedModel, savedModelBytes: Data,
        checkpointIndex: Data
    ) throws -> Tensorflow_FingerprintDef {
        var def = Tensorflow_FingerprintDef()
        def.savedModelChecksum = FarmHash.fingerprint64([UInt8](savedModelBytes))
        if let meta = savedModel.metaGraphs.first {
            def.graphDefProgramHash = try hash(regularized(meta.graphDef))
            def.signatureDefHash = try signatureDefHash(meta.signatureDef)
            def.savedObjectGraphHash = try objectGraphHash(meta.objectGraphDef)
        }
        def.checkpointHash = FarmHash.fingerprint64([UInt8](checkpointIndex))
        var version = Tensorflow_VersionDef()
        version.producer = producer
        def.version = version
        return def
    }

    static func hash<M: SwiftProtobuf.Message>(_ message: M) throws -> UInt64 {
        FarmHash.fingerprint64([UInt8](try SavedModelSerialization.bytes(message)))
    }

    /// TF's `SimpleDelete`: what the program hash ignores.
    static func regularized(_ graph: Tensorflow_GraphDef) -> Tensorflow_GraphDef {
        var graph = graph
        for i in graph.node.indices {
            let node = graph.node[i]
            if node.op == "PartitionedCall" || node.op == "StatefulPartitionedCall",
                var f = node.attr["f"], let (stem, _) = splitSuffix(f.func.name)
            {
                f.func.name = stem
                graph.node[i].attr["f"] = f
            }
            if node.attr["config_proto"] != nil { graph.node[i].attr["config_proto"]?.s = Data() }
            if node.op == "Const", node.attr["dtype"]?.type == .dtString {
                graph.node[i].attr["value"] = Tensorflow_AttrValue()
            }
        }
        graph.library = Tensorflow_FunctionDefLibrary()
        graph.versions = Tensorflow_VersionDef()
        return graph
    }

    static func signatureDefHash(_ signatures: [String: Tensorflow_SignatureDef]) throws -> UInt64 {
        var result: UInt64 = 0
        for key in signatures.keys.sorted(by: {
            Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8))
        }) {
            guard let signature = signatures[key] else { continue }
            result = FarmHash.fingerprintCat64(result, FarmHash.fingerprint64(key))
            result = FarmHash.fingerprintCat64(result, try hash(signature))
        }
        return result
    }

    static func objectGraphHash(_ graph: Tensorflow_SavedObjectGraph) throws -> UInt64 {
        var byNumber: [(Int64, String, String)] = []
        for name in graph.concreteFunctions.keys {
            guard let (stem, number) = splitSuffix(name) else {
                throw ExportError.invalidSpec("function name '\(name)' does not end in a number")
            }
            byNumber.append((number, stem, name))
        }
        var result: UInt64 = 0
        var seen = Set<Int64>()
        // TF keys a sorted map by the number: of two functions with the same number, it keeps one.
        for (number, stem, name) in byNumber.sorted(by: { $0.0 < $1.0 })
        where seen.insert(number).inserted {
            guard let concrete = graph.concreteFunctions[name] else { continue }
            result = FarmHash.fingerprintCat64(result, FarmHash.fingerprint64(stem))
            result = FarmHash.fingerprintCat64(result, try hash(concrete))
        }
        return result
    }

    /// `name` without its trailing number (TF's `GetSuffixUID`: the text after the last `_`
    /// must parse as an int64), and that number; nil when it has none.
    static func splitSuffix(_ name: String) -> (String, Int64)? {
        let last =
            name.split(separator: "_", omittingEmptySubsequences: false).last.map(String.init)
            ?? name
        guard let number = Int64(last) else { return nil }
        return (String(name.dropLast(String(number).count)), number)
    }
}
