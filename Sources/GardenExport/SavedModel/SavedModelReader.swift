import Foundation
import TFProto

/// A SavedModel directory read back: `saved_model.pb` parsed with TFProto and the variables
/// bundle opened with ``TensorBundleReader``. Used by `garden inspect` and by the export tests.
public struct SavedModelReader {
    /// The export directory.
    public let directory: URL
    /// The parsed `saved_model.pb`.
    public let savedModel: Tensorflow_SavedModel
    /// Its only MetaGraphDef (the TF2 loader requires exactly one).
    public let metaGraph: Tensorflow_MetaGraphDef
    /// `variables/variables`, or nil when the directory has none.
    public let bundle: TensorBundleReader?

    /// Reads `directory`.
    ///
    /// - Throws: ``ExportError/unreadable(path:message:)`` when `saved_model.pb` is missing or
    ///   malformed, or has not exactly one MetaGraphDef; bundle errors as they come.
    public init(directory: URL) throws {
        self.directory = directory
        let file = directory.appendingPathComponent("saved_model.pb")
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw ExportError.unreadable(
                path: directory.path, message: "no saved_model.pb in the directory")
        }
        do {
            savedModel = try Tensorflow_SavedModel(serializedBytes: data)
        } catch {
            throw ExportError.unreadable(
                path: file.path, message: "not a SavedModel proto (\(error))")
        }
        guard savedModel.metaGraphs.count == 1, let meta = savedModel.metaGraphs.first else {
            throw ExportError.unreadable(
                path: file.path,
                message: "expected exactly one MetaGraphDef, found \(savedModel.metaGraphs.count)")
        }
        metaGraph = meta
        let prefix = directory.appendingPathComponent("variables/variables")
        if FileManager.default.fileExists(atPath: prefix.path + ".index") {
            bundle = try TensorBundleReader(prefix: prefix)
        } else {
            bundle = nil
        }
    }

    /// The object graph.
    public var objectGraph: Tensorflow_SavedObjectGraph { metaGraph.objectGraphDef }

    /// The library function named `name`.
    public func function(named name: String) -> Tensorflow_FunctionDef? {
        metaGraph.graphDef.library.function.first { $0.signature.name == name }
    }

    /// The `_CHECKPOINTABLE_OBJECT_GRAPH` stored in the bundle.
    ///
    /// - Throws: ``ExportError/unreadable(path:message:)`` when there is no bundle or entry.
    public func checkpointGraph() throws -> Tensorflow_TrackableObjectGraph {
        guard let bundle, bundle.entries["_CHECKPOINTABLE_OBJECT_GRAPH"] != nil,
            let bytes = try bundle.strings(key: "_CHECKPOINTABLE_OBJECT_GRAPH").first
        else {
            throw ExportError.unreadable(
                path: directory.path,
                message: "the variables bundle has no _CHECKPOINTABLE_OBJECT_GRAPH")
        }
        return try Tensorflow_TrackableObjectGraph(serializedBytes: bytes)
    }

    /// For each variable node of the object graph: its id and checkpoint key, from the
    /// checkpoint graph (same node ids, as this writer and TF write it).
    public func variableCheckpointKeys() throws -> [Int32: String] {
        let checkpoint = try checkpointGraph()
        var keys: [Int32: String] = [:]
        for (i, node) in checkpoint.nodes.enumerated() {
            if let attribute = node.attributes.first(where: { $0.name == "VARIABLE_VALUE" }) {
                keys[Int32(i)] = attribute.checkpointKey
            }
        }
        return keys
    }
}
