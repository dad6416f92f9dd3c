import Foundation
import GardenExport
import TFProto

/// Shared helpers of the SavedModel tests: scratch directories and look-ups in a read-back
/// export.
enum SavedModelTestSupport {
    /// A fresh, not yet existing directory under the system temp directory.
    static func scratchDirectory(_ label: String) -> URL {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("garden-export-tests-\(label)-\(UUID().uuidString)")
    }

    /// Writes `spec` to a fresh directory and reads it back.
    static func exportAndRead(_ spec: SavedModelSpec, label: String) throws -> (
        URL, SavedModelReader
    ) {
        let dir = scratchDirectory(label)
        try SavedModelWriter.write(spec, to: dir, overwrite: false)
        return (dir, try SavedModelReader(directory: dir))
    }

    /// The id of the node reached from the root by `path` (child names).
    static func node(_ graph: Tensorflow_SavedObjectGraph, _ path: [String]) -> Int32? {
        var id: Int32 = 0
        for name in path {
            guard let next = graph.nodes[Int(id)].children.first(where: { $0.localName == name })
            else {
                return nil
            }
            id = next.nodeID
        }
        return id
    }

    /// Child names of a node, in order.
    static func childNames(_ graph: Tensorflow_SavedObjectGraph, _ id: Int32) -> [String] {
        graph.nodes[Int(id)].children.map(\.localName)
    }

    /// Every regular file under `dir`, by relative path.
    static func files(_ dir: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let base = dir.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: base) else { return result }
        for case let relative as String in walker {
            var isDirectory: ObjCBool = false
            let full = base + "/" + relative
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                result[relative] = FileManager.default.contents(atPath: full)
            }
        }
        return result
    }

    /// A StructuredValue as compact text, for readable exact comparisons.
    static func text(_ value: Tensorflow_StructuredValue) -> String {
        switch value.kind {
        case .noneValue: return "None"
        case .boolValue(let b): return b ? "True" : "False"
        case .stringValue(let s): return "'\(s)'"
        case .tensorSpecValue(let ts):
            let dims =
                ts.shape.unknownRank
                ? "None" : "[" + ts.shape.dim.map { String($0.size) }.joined(separator: ",") + "]"
            return "TS(\(ts.name),\(dims),\(ts.dtype))"
        case .tupleValue(let t): return "(" + t.values.map(text).joined(separator: ", ") + ")"
        case .listValue(let l): return "[" + l.values.map(text).joined(separator: ", ") + "]"
        case .dictValue(let d):
            return "{"
                + d.fields.keys.sorted().map { "\($0): \(d.fields[$0].map(text) ?? "")" }
                .joined(separator: ", ") + "}"
        case .namedTupleValue(let n):
            return n.name + "("
                + n.values.map { "\($0.key)=\(text($0.value))" }.joined(separator: ", ") + ")"
        default: return "?"
        }
    }
}
