import Foundation
import TFProto

/// Writes a TensorFlow 2 object-based checkpoint: float32 variables at object paths, and the
/// `TrackableObjectGraph` that lets `tf.train.Checkpoint(...).read(prefix)` match them to a
/// Python object tree by its attribute names (the reverse of ``ObjectBasedCheckpoint``).
///
/// Node 0 is the root; every path prefix becomes one node, in the order paths are added, so
/// the same calls give the same bytes. A variable reachable under two names (a tied embedding)
/// is one node with two parents, as TensorFlow writes it, and its value is stored once.
public struct ObjectBasedCheckpointWriter {
    private struct Node {
        var children: [(name: String, id: Int)] = []
        var key: String?
        var fullName = ""
    }

    private var nodes = [Node()]
    private var bundle = TensorBundleWriter()

    public init() {}

    /// Adds a variable at `path` (attribute names from the root).
    /// - Parameters:
    ///   - path: e.g. `["encoder", "_pooler_layer", "kernel"]`.
    ///   - name: the variable's TensorFlow name (the attribute's `full_name`).
    ///   - values: row-major float32 values.
    ///   - shape: the variable's shape.
    /// - Returns: the variable's node, for ``addAlias(_:to:)``.
    /// - Throws: ``TensorBundleError`` when the path is taken or the values do not fit `shape`.
    @discardableResult
    public mutating func addVariable(at path: [String], name: String, values: [Float], shape: [Int])
        throws -> Int
    {
        let key =
            path.map(ObjectGraphBuilder.escape).joined(separator: "/")
            + "/.ATTRIBUTES/\(ObjectBasedCheckpoint.variableValueAttribute)"
        let bytes = values.flatMap { value -> [UInt8] in
            withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) }
        }
        try bundle.add(key: key, dtype: .dtFloat, shape: shape, bytes: bytes)
        let id = try node(at: path.dropLast())
        let variable = nodes.count
        nodes.append(Node(key: key, fullName: name))
        try link(parent: id, name: path[path.count - 1], child: variable)
        return variable
    }

    /// Makes the variable `node` reachable under `path` as well.
    /// - Throws: ``TensorBundleError`` when the path is taken.
    public mutating func addAlias(_ path: [String], to node: Int) throws {
        let parent = try self.node(at: path.dropLast())
        try link(parent: parent, name: path[path.count - 1], child: node)
    }

    /// Writes `<prefix>.data-00000-of-00001` and `<prefix>.index` (each atomically).
    /// - Throws: ``TensorBundleError``.
    public func write(prefix: URL) throws {
        var graph = Tensorflow_TrackableObjectGraph()
        graph.nodes = nodes.map { node in
            var object = Tensorflow_TrackableObjectGraph.TrackableObject()
            object.children = node.children.map { child in
                var reference = Tensorflow_TrackableObjectGraph.TrackableObject.ObjectReference()
                reference.nodeID = Int32(child.id)
                reference.localName = child.name
                return reference
            }
            if let key = node.key {
                var tensor = Tensorflow_TrackableObjectGraph.TrackableObject.SerializedTensor()
                tensor.name = ObjectBasedCheckpoint.variableValueAttribute
                tensor.fullName = node.fullName
                tensor.checkpointKey = key
                object.attributes = [tensor]
            }
            return object
        }
        var complete = bundle
        try complete.addString(
            key: ObjectBasedCheckpoint.objectGraphKey,
            strings: [try graph.serializedBytes()])
        try complete.write(prefix: prefix)
    }

    private mutating func node(at path: ArraySlice<String>) throws -> Int {
        var id = 0
        for name in path {
            if let child = nodes[id].children.first(where: { $0.name == name }) {
                id = child.id
                continue
            }
            nodes.append(Node())
            try link(parent: id, name: name, child: nodes.count - 1)
            id = nodes.count - 1
        }
        return id
    }

    private mutating func link(parent: Int, name: String, child: Int) throws {
        guard !nodes[parent].children.contains(where: { $0.name == name }) else {
            throw TensorBundleError.invalidArgument("object path already taken at \"\(name)\"")
        }
        nodes[parent].children.append((name, child))
    }

}
