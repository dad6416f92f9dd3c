import Foundation

/// A path to a value in a configuration tree, shown as `model.hidden_sizes[1]` in errors.
public struct ConfigPath: Hashable, Sendable, CustomStringConvertible {
    /// One step of a path.
    public enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    /// The steps from the root.
    public var components: [Component]

    /// Creates a path from its steps.
    /// - Parameter components: The steps from the root.
    public init(_ components: [Component] = []) {
        self.components = components
    }

    /// Parses `a.b[2].c`. Keys may not contain `.` or `[`, which holds for every schema key.
    /// - Parameter dotted: The path as shown in messages.
    public init(parsing dotted: String) {
        var components: [Component] = []
        for part in dotted.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = Substring(part)
            if let bracket = rest.firstIndex(of: "[") {
                components.append(.key(String(rest[..<bracket])))
                rest = rest[bracket...]
                while rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                    if let index = Int(rest[rest.index(after: rest.startIndex)..<close]) {
                        components.append(.index(index))
                    }
                    rest = rest[rest.index(after: close)...]
                }
            } else {
                components.append(.key(String(rest)))
            }
        }
        self.components = components
    }

    /// The path one key further down.
    /// - Parameter key: A mapping key.
    /// - Returns: This path followed by `key`.
    public func appending(_ key: String) -> ConfigPath {
        ConfigPath(components + [.key(key)])
    }

    /// The path one list element further down.
    /// - Parameter index: A 0-based list index.
    /// - Returns: This path followed by `[index]`.
    public func appending(index: Int) -> ConfigPath {
        ConfigPath(components + [.index(index)])
    }

    /// `model.hidden_sizes[1]`; the empty path is shown as `<root>`.
    public var description: String {
        var text = ""
        for component in components {
            switch component {
            case let .key(key):
                text += text.isEmpty ? key : ".\(key)"
            case let .index(index):
                text += "[\(index)]"
            }
        }
        return text.isEmpty ? "<root>" : text
    }
}

extension ConfigNode {
    /// The node at `path`, or `nil` when some step is missing.
    /// - Parameter path: A path from this node.
    /// - Returns: The node there, or `nil`.
    public func node(at path: ConfigPath) -> ConfigNode? {
        var node = self
        for component in path.components {
            switch (component, node.content) {
            case let (.key(key), .mapping):
                guard let child = node[key] else { return nil }
                node = child
            case let (.index(index), .sequence(items)) where items.indices.contains(index):
                node = items[index]
            default:
                return nil
            }
        }
        return node
    }
}
