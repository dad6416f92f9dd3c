/// A nested structure of leaves, as TensorFlow's `tf.nest` sees one: a leaf, a dict of named
/// structures, or a list of structures.
///
/// Dict entries keep the order they were declared in (how a model builds its outputs, and so
/// the order in which they are traced); `flattened` gives TensorFlow's order instead, dict keys
/// sorted bytewise and lists in order.
public indirect enum Nested<Leaf> {
    case leaf(Leaf)
    case dict([(key: String, value: Nested<Leaf>)])
    case list([Nested<Leaf>])

    /// A dict of leaves, in the given order.
    public static func named(_ leaves: KeyValuePairs<String, Leaf>) -> Nested {
        .dict(leaves.map { (key: $0.key, value: .leaf($0.value)) })
    }

    /// This dict with `value` added under `key`, last.
    ///
    /// - Precondition: this is a dict.
    public func appending(_ key: String, _ value: Nested) -> Nested {
        guard case .dict(let entries) = self else {
            preconditionFailure("Nested: appending '\(key)' to a \(kind)")
        }
        return .dict(entries + [(key: key, value: value)])
    }

    /// Every leaf, depth first in declaration order.
    public var leaves: [Leaf] {
        switch self {
        case .leaf(let l): return [l]
        case .dict(let entries): return entries.flatMap(\.value.leaves)
        case .list(let items): return items.flatMap(\.leaves)
        }
    }

    /// Every leaf in TensorFlow's flattened order: dict keys sorted bytewise, lists in order.
    public var flattened: [Leaf] {
        switch self {
        case .leaf(let l): return [l]
        case .dict(let entries): return Self.sorted(entries).flatMap(\.value.flattened)
        case .list(let items): return items.flatMap(\.flattened)
        }
    }

    /// The same structure with each leaf transformed.
    public func map<T>(_ transform: (Leaf) throws -> T) rethrows -> Nested<T> {
        switch self {
        case .leaf(let l): return .leaf(try transform(l))
        case .dict(let entries):
            return .dict(try entries.map { (key: $0.key, value: try $0.value.map(transform)) })
        case .list(let items): return .list(try items.map { try $0.map(transform) })
        }
    }

    /// The same structure filled with `leaves`, taken in `leaves` (declaration) order.
    ///
    /// - Precondition: `leaves.count` is this structure's leaf count.
    public func replacingLeaves<T>(with leaves: [T]) -> Nested<T> {
        precondition(
            leaves.count == self.leaves.count,
            "Nested: \(leaves.count) leaves for a structure of \(self.leaves.count)")
        var next = leaves.startIndex
        return map { _ in
            defer { next += 1 }
            return leaves[next]
        }
    }

    /// The entry under `key` of a dict, or nil.
    public func entry(_ key: String) -> Nested? {
        guard case .dict(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// The leaf under `key` of a dict (`outputs["pooled_output"]`).
    ///
    /// - Precondition: the entry exists and is a leaf (keys are the model's own names).
    public subscript(key: String) -> Leaf {
        guard let leaf = entry(key)?.leaf else {
            preconditionFailure("Nested: no tensor under '\(key)' in \(keys)")
        }
        return leaf
    }

    /// The leaves of the list under `key` of a dict (`outputs[list: "encoder_outputs"]`).
    ///
    /// - Precondition: the entry exists and is a list.
    public subscript(list key: String) -> [Leaf] {
        guard case .list(let items)? = entry(key) else {
            preconditionFailure("Nested: no list under '\(key)' in \(keys)")
        }
        return items.flatMap(\.leaves)
    }

    /// The one leaf of a single-tensor structure.
    ///
    /// - Precondition: the structure is a leaf.
    public var single: Leaf {
        guard let leaf else { preconditionFailure("Nested: a \(kind), not a single tensor") }
        return leaf
    }

    /// The leaf itself, or nil for a dict or list.
    public var leaf: Leaf? {
        if case .leaf(let l) = self { return l }
        return nil
    }

    /// The dict's keys in declaration order (empty for a leaf or list).
    public var keys: [String] {
        if case .dict(let entries) = self { return entries.map(\.key) }
        return []
    }

    static func sorted(_ entries: [(key: String, value: Nested)]) -> [(
        key: String, value: Nested
    )] {
        entries.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
    }
}

// A structure of sendable leaves (tensor specs, shapes) crosses threads as its leaves do.
extension Nested: Sendable where Leaf: Sendable {}

extension Nested {
    /// `single`, `dict` or `list`: the kind of the outermost level.
    public var kind: String {
        switch self {
        case .leaf: return "single"
        case .dict: return "dict"
        case .list: return "list"
        }
    }
}
