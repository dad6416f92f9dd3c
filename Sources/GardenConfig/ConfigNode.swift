import Foundation

/// Where a configuration value came from, so that every error can point at it.
public enum ConfigSource: Hashable, Sendable {
    /// A YAML file, named as the user gave it (e.g. `Recipes/mlp.yaml`).
    case file(String)
    /// One `--set KEY=VALUE` argument; the payload is the `KEY=VALUE` text.
    case override(String)
    /// A default filled in by the schema or the loader.
    case defaults
}

/// A position in a configuration source: a file line, a `--set` argument, or a default.
public struct ConfigLocation: Hashable, Sendable, CustomStringConvertible {
    /// The source of the value.
    public var source: ConfigSource
    /// The 1-based line in a file source; `nil` when there is no line.
    public var line: Int?

    /// Creates a location.
    /// - Parameters:
    ///   - source: The source of the value.
    ///   - line: The 1-based line in a file source.
    public init(_ source: ConfigSource, line: Int? = nil) {
        self.source = source
        self.line = line
    }

    /// The location of a schema or loader default.
    public static let defaults = ConfigLocation(.defaults)

    /// `file:line`, `--set KEY=VALUE`, or `defaults`: the prefix of an error message.
    public var description: String {
        switch source {
        case let .file(name):
            return line.map { "\(name):\($0)" } ?? name
        case let .override(text):
            return "--set \(Self.abbreviated(text))"
        case .defaults:
            return "defaults"
        }
    }

    /// A `--set` argument, key or value as messages show it: whole up to 100 bytes, else its
    /// first 80 characters and the total length, so hostile input cannot flood the error line.
    public static func abbreviated(_ text: String) -> String {
        guard text.utf8.count > 100 else { return text }
        return "\(text.prefix(80))... (\(text.utf8.count) bytes)"
    }
}

/// A scalar's value after YAML's tag resolution (`300` is an int, `'300'` a string).
public enum ConfigScalarValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
}

/// A YAML scalar: its resolved value and the text as written, which errors quote and the
/// emitter writes back (so `1e-4` stays `1e-4` and a `Float` keeps its shortest spelling).
public struct ConfigScalar: Hashable, Sendable {
    /// The text as written in the source.
    public var text: String
    /// The resolved value.
    public var value: ConfigScalarValue

    /// Creates a scalar.
    /// - Parameters:
    ///   - text: The text as written.
    ///   - value: The resolved value.
    public init(text: String, value: ConfigScalarValue) {
        self.text = text
        self.value = value
    }
}

/// One `key: value` pair of a mapping, with the key's own location (unknown-key errors
/// point at the key, type errors at the value).
public struct ConfigEntry: Sendable {
    /// The key.
    public var key: String
    /// Where the key was written.
    public var keyLocation: ConfigLocation
    /// The value.
    public var value: ConfigNode

    /// Creates an entry.
    /// - Parameters:
    ///   - key: The key.
    ///   - keyLocation: Where the key was written.
    ///   - value: The value.
    public init(key: String, keyLocation: ConfigLocation, value: ConfigNode) {
        self.key = key
        self.keyLocation = keyLocation
        self.value = value
    }
}

/// A YAML tree that knows where each value came from. It holds no ML types: the recipe schema
/// gives it meaning, as TF keeps `modeling/hyperparams/` apart from the task configs.
public struct ConfigNode: Sendable {
    /// The shape of a node.
    public enum Content: Sendable {
        case scalar(ConfigScalar)
        case sequence([ConfigNode])
        /// Entries in the order written (merges keep the first appearance's place).
        case mapping([ConfigEntry])
    }

    /// The node's content.
    public var content: Content
    /// Where the node was written.
    public var location: ConfigLocation

    /// Creates a node.
    /// - Parameters:
    ///   - content: The node's content.
    ///   - location: Where the node was written.
    public init(_ content: Content, at location: ConfigLocation) {
        self.content = content
        self.location = location
    }

    /// An empty mapping at `location`.
    public static func emptyMapping(at location: ConfigLocation) -> ConfigNode {
        ConfigNode(.mapping([]), at: location)
    }

    /// The entries of a mapping node, or `nil` for scalars and sequences.
    public var entries: [ConfigEntry]? {
        if case let .mapping(entries) = content { return entries }
        return nil
    }

    /// The scalar of a scalar node, or `nil` for sequences and mappings.
    public var scalar: ConfigScalar? {
        if case let .scalar(scalar) = content { return scalar }
        return nil
    }

    /// Whether this is a YAML null (`null`, `~` or nothing).
    public var isNull: Bool {
        scalar?.value == .null
    }

    /// The value for `key` in a mapping node.
    /// - Parameter key: A key of this mapping (not a dotted path).
    public subscript(key: String) -> ConfigNode? {
        entries?.first { $0.key == key }?.value
    }

    /// A short description of what the node is, for "got ..." in error messages.
    public var foundDescription: String {
        switch content {
        case let .scalar(scalar):
            return scalar.value == .null ? "null" : "'\(scalar.text)'"
        case .sequence:
            return "a list"
        case .mapping:
            return "a mapping"
        }
    }

    /// Whether two trees hold the same keys and values, ignoring locations and spelling of
    /// numbers (`1e-4` equals `0.0001`).
    public func sameContent(as other: ConfigNode) -> Bool {
        switch (content, other.content) {
        case let (.scalar(a), .scalar(b)):
            return a.value == b.value
        case let (.sequence(a), .sequence(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.sameContent(as: $1) }
        case let (.mapping(a), .mapping(b)):
            return a.count == b.count
                && zip(a, b).allSatisfy { $0.key == $1.key && $0.value.sameContent(as: $1.value) }
        default:
            return false
        }
    }
}
