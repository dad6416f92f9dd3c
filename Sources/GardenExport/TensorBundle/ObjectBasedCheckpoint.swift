import Foundation
import SwiftProtobuf
import TFProto

/// A TensorFlow 2 object-based checkpoint (what `tf.train.Checkpoint.write` and Model Garden
/// write): a tensor bundle whose `_CHECKPOINTABLE_OBJECT_GRAPH` entry is a serialized
/// `TrackableObjectGraph`.
///
/// Values are found by walking that graph from the root through the children's local names,
/// never by parsing checkpoint keys: a variable reachable by several paths (BERT's word
/// embeddings are also the masked-LM head's `embedding_table`) is stored once, under whichever
/// path TensorFlow met first, and only the graph says which.
public struct ObjectBasedCheckpoint {
    /// The bundle entry holding the serialized object graph.
    public static let objectGraphKey = "_CHECKPOINTABLE_OBJECT_GRAPH"
    /// The attribute name under which a variable node stores its value.
    public static let variableValueAttribute = "VARIABLE_VALUE"

    public let bundle: TensorBundleReader
    public let graph: Tensorflow_TrackableObjectGraph
    /// `<prefix>.index`, for messages.
    public let indexName: String

    /// Opens `<prefix>.index` and `<prefix>.data-00000-of-00001` and parses the object graph.
    /// - Parameter prefix: the checkpoint prefix, e.g. `/tmp/ckpt/ckpt-1`.
    /// - Throws: ``TensorBundleError`` when the bundle is unreadable or damaged, or has no object
    ///   graph (a TensorFlow 1 name-based checkpoint).
    public init(prefix: URL) throws {
        indexName = prefix.path + ".index"
        bundle = try TensorBundleReader(prefix: prefix)
        guard bundle.entries[Self.objectGraphKey] != nil else {
            throw TensorBundleError.invalidArgument(
                "\(indexName): no \(Self.objectGraphKey) entry: not a TensorFlow 2 object-based checkpoint (tf.train.Checkpoint); name-based TensorFlow 1 checkpoints are not read"
            )
        }
        let serialized = try bundle.strings(key: Self.objectGraphKey)
        guard serialized.count == 1 else {
            throw TensorBundleError.invalidArgument(
                "\(indexName): \(Self.objectGraphKey) holds \(serialized.count) strings, expected 1"
            )
        }
        do {
            graph = try Tensorflow_TrackableObjectGraph(serializedBytes: serialized[0])
        } catch {
            throw TensorBundleError.invalidArgument(
                "\(indexName): \(Self.objectGraphKey) is not a TrackableObjectGraph: \(error)")
        }
        for (id, node) in graph.nodes.enumerated() {
            for child in node.children where !graph.nodes.indices.contains(Int(child.nodeID)) {
                throw TensorBundleError.invalidArgument(
                    "\(indexName): object graph node \(id) names child node \(child.nodeID) of \(graph.nodes.count)"
                )
            }
        }
    }

    /// The node reached from the root (node 0) through the children named `path`; nil when
    /// there is no such path.
    public func node(at path: [String]) -> Int? {
        guard !graph.nodes.isEmpty else { return nil }
        var id = 0
        for name in path {
            guard let child = graph.nodes[id].children.first(where: { $0.localName == name })
            else { return nil }
            id = Int(child.nodeID)
        }
        return id
    }

    /// The bundle key of node `id`'s variable value; nil when the node is not a variable.
    public func variableKey(ofNode id: Int) -> String? {
        graph.nodes[id].attributes.first { $0.name == Self.variableValueAttribute }?.checkpointKey
    }

    /// Every variable below node `id`, each once, by its first path in breadth-first order
    /// (relative to the node), with its bundle key.
    public func variables(under id: Int) -> [(path: [String], key: String)] {
        var found: [(path: [String], key: String)] = []
        var seen: Set<Int> = [id]
        var queue: [(id: Int, path: [String])] = [(id, [])]
        var next = 0
        while next < queue.count {
            let (current, path) = queue[next]
            next += 1
            if let key = variableKey(ofNode: current) { found.append((path, key)) }
            for child in graph.nodes[current].children where seen.insert(Int(child.nodeID)).inserted
            {
                queue.append((Int(child.nodeID), path + [child.localName]))
            }
        }
        return found
    }

    /// The float32 values and shape stored under `key` (checksum verified).
    /// - Throws: ``TensorBundleError`` when the entry is missing, damaged or not float32.
    public func floats(key: String) throws -> (values: [Float], shape: [Int]) {
        guard let entry = bundle.entries[key] else {
            throw TensorBundleError.invalidArgument("\(indexName): no tensor \"\(key)\"")
        }
        guard entry.dtype == .dtFloat else {
            throw TensorBundleError.invalidArgument(
                "\(indexName): \(key) has dtype \(entry.dtype), expected float32")
        }
        let bytes = try bundle.tensorBytes(key: key)
        guard bytes.count == entry.elementCount * MemoryLayout<Float>.size else {
            throw TensorBundleError.invalidArgument(
                "\(indexName): \(key) holds \(bytes.count) bytes for shape \(entry.shape)")
        }
        // Bundles store little-endian values, as this machine does.
        let values = bytes.withUnsafeBytes { raw in
            (0..<entry.elementCount).map {
                Float(
                    bitPattern: UInt32(
                        littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
            }
        }
        return (values, entry.shape)
    }
}
