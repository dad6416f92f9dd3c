import Foundation
import TFProto

/// Builds a `SavedObjectGraph` node by node, and the checkpoint graph that mirrors it.
///
/// Node ids are array indices in creation order; node 0 is the root. The checkpoint graph
/// (`_CHECKPOINTABLE_OBJECT_GRAPH`) has the same nodes and child names, which is what TF writes
/// and lets the loader walk both graphs in parallel to find each variable's value (§7.1).
public struct ObjectGraphBuilder {
    /// The nodes so far.
    public private(set) var nodes: [Tensorflow_SavedObject] = []
    /// Concrete functions by FunctionDef name.
    public var concreteFunctions: [String: Tensorflow_SavedConcreteFunction] = [:]

    /// Creates a builder whose node 0 is a `_generic_user_object` root.
    public init() {
        _ = addUserObject("_generic_user_object")
    }

    /// The root's id.
    public static let root: Int32 = 0

    /// Adds a node of the given kind and returns its id.
    public mutating func add(_ kind: Tensorflow_SavedObject.OneOf_Kind) -> Int32 {
        var object = Tensorflow_SavedObject()
        object.kind = kind
        nodes.append(object)
        return Int32(nodes.count - 1)
    }

    /// Adds a user object with version {1, 1}; without the version, TF revives
    /// `trackable_list_wrapper` as a plain object and `len()`/iteration fail (§14).
    public mutating func addUserObject(_ identifier: String) -> Int32 {
        var user = Tensorflow_SavedUserObject()
        user.identifier = identifier
        var version = Tensorflow_VersionDef()
        version.producer = 1
        version.minConsumer = 1
        user.version = version
        return add(.userObject(user))
    }

    /// Adds a `trackable_list_wrapper` whose children `"0"`, `"1"`, ... are `items`.
    public mutating func addList(_ items: [Int32]) -> Int32 {
        let id = addUserObject("trackable_list_wrapper")
        for (i, item) in items.enumerated() { addChild(id, String(i), item) }
        return id
    }

    /// Makes `child` the attribute `name` of `parent`.
    public mutating func addChild(_ parent: Int32, _ name: String, _ child: Int32) {
        var reference = Tensorflow_TrackableObjectGraph.TrackableObject.ObjectReference()
        reference.nodeID = child
        reference.localName = name
        nodes[Int(parent)].children.append(reference)
    }

    /// The id of `parent`'s child `name`, if any.
    public func child(_ parent: Int32, _ name: String) -> Int32? {
        nodes[Int(parent)].children.first { $0.localName == name }?.nodeID
    }

    /// The finished graph.
    public var savedObjectGraph: Tensorflow_SavedObjectGraph {
        var graph = Tensorflow_SavedObjectGraph()
        graph.nodes = nodes
        graph.concreteFunctions = concreteFunctions
        return graph
    }

    /// For each variable node, the checkpoint key TF would choose: the first breadth-first path
    /// of (escaped) child names from the root, then `/.ATTRIBUTES/VARIABLE_VALUE`.
    public func checkpointKeys() -> [Int32: String] {
        var paths: [Int32: [String]] = [Self.root: []]
        var queue: [Int32] = [Self.root]
        var head = 0
        while head < queue.count {
            let id = queue[head]
            head += 1
            for reference in nodes[Int(id)].children where paths[reference.nodeID] == nil {
                paths[reference.nodeID] = (paths[id] ?? []) + [Self.escape(reference.localName)]
                queue.append(reference.nodeID)
            }
        }
        var keys: [Int32: String] = [:]
        for (i, node) in nodes.enumerated() {
            guard case .variable = node.kind, let path = paths[Int32(i)] else { continue }
            keys[Int32(i)] = (path + [".ATTRIBUTES", "VARIABLE_VALUE"]).joined(separator: "/")
        }
        return keys
    }

    /// The checkpoint object graph: same ids and children; variables carry their
    /// `VARIABLE_VALUE` attribute (full name = the variable's name, key from `keys`).
    public func checkpointGraph(keys: [Int32: String]) -> Tensorflow_TrackableObjectGraph {
        var graph = Tensorflow_TrackableObjectGraph()
        graph.nodes = nodes.enumerated().map { i, node in
            var object = Tensorflow_TrackableObjectGraph.TrackableObject()
            object.children = node.children
            if case .variable(let variable) = node.kind, let key = keys[Int32(i)] {
                var tensor = Tensorflow_TrackableObjectGraph.TrackableObject.SerializedTensor()
                tensor.name = "VARIABLE_VALUE"
                tensor.fullName = variable.name
                tensor.checkpointKey = key
                object.attributes = [tensor]
            }
            return object
        }
        return graph
    }

    /// TF's escaping of a local name inside a checkpoint key: `.` → `..`, `/` → `.S`, so the
    /// key splits unambiguously at `/.ATTRIBUTES/`.
    static func escape(_ name: String) -> String {
        name.replacingOccurrences(of: ".", with: "..").replacingOccurrences(of: "/", with: ".S")
    }
}
