import Foundation

/// Typed read access to a resolved tree, for turning it into config structs.
///
/// The schema has already checked every value, so a failure here means the typed structs and
/// the schema disagree: it throws `RecipeError.schemaMismatch` rather than trapping.
public struct ConfigView: Sendable {
    /// The mapping node being read.
    public let node: ConfigNode
    /// Its path from the root, for error messages.
    public let path: ConfigPath

    /// Creates a view of a resolved tree.
    /// - Parameters:
    ///   - node: A mapping node returned by `ConfigMappingSchema.resolve`.
    ///   - path: Its path from the root.
    public init(_ node: ConfigNode, path: ConfigPath = ConfigPath()) {
        self.node = node
        self.path = path
    }

    /// The nested mapping at `key`.
    public func child(_ key: String) throws -> ConfigView {
        let child = try value(key, expected: "a mapping")
        guard child.entries != nil else { throw mismatch(key, "a mapping") }
        return ConfigView(child, path: path.appending(key))
    }

    /// The integer at `key`.
    public func int(_ key: String) throws -> Int {
        guard case let .int(value)? = try value(key, expected: "an integer").scalar?.value else {
            throw mismatch(key, "an integer")
        }
        return value
    }

    /// The number at `key`, read from its text so `0.1` is the nearest `Float` to 0.1.
    public func float(_ key: String) throws -> Float {
        guard let scalar = try value(key, expected: "a number").scalar else {
            throw mismatch(key, "a number")
        }
        switch scalar.value {
        case let .float(value):
            return Float(scalar.text) ?? Float(value)
        case let .int(value):
            return Float(value)
        default:
            throw mismatch(key, "a number")
        }
    }

    /// The integer at `key`, or `nil` for null.
    public func optionalInt(_ key: String) throws -> Int? {
        try value(key, expected: "an integer or null").isNull ? nil : int(key)
    }

    /// The number at `key`, or `nil` for null.
    public func optionalFloat(_ key: String) throws -> Float? {
        try value(key, expected: "a number or null").isNull ? nil : float(key)
    }

    /// The string at `key`.
    public func string(_ key: String) throws -> String {
        guard case let .string(value)? = try value(key, expected: "a string").scalar?.value else {
            throw mismatch(key, "a string")
        }
        return value
    }

    /// The string at `key`, or `nil` for null.
    public func optionalString(_ key: String) throws -> String? {
        try value(key, expected: "a string or null").isNull ? nil : string(key)
    }

    /// The boolean at `key`.
    public func bool(_ key: String) throws -> Bool {
        guard case let .bool(value)? = try value(key, expected: "a boolean").scalar?.value else {
            throw mismatch(key, "a boolean")
        }
        return value
    }

    /// The list of integers at `key`.
    public func intList(_ key: String) throws -> [Int] {
        try list(key, "a list of integers") {
            if case let .int(value)? = $0 { value } else { nil }
        }
    }

    /// The list of strings at `key`.
    public func stringList(_ key: String) throws -> [String] {
        try list(key, "a list of strings") {
            if case let .string(value)? = $0 { value } else { nil }
        }
    }

    /// The items of the list at `key`, each read by `item` (nil: not of the list's type).
    private func list<Item>(
        _ key: String, _ expected: String, _ item: (ConfigScalarValue?) -> Item?
    ) throws -> [Item] {
        guard case let .sequence(items) = try value(key, expected: "a list").content else {
            throw mismatch(key, expected)
        }
        return try items.map {
            guard let value = item($0.scalar?.value) else { throw mismatch(key, expected) }
            return value
        }
    }

    /// The string at `key` as a `RawRepresentable` enum (choices and `type:` discriminators).
    public func choice<T: RawRepresentable>(_ key: String, as type: T.Type = T.self) throws -> T
    where T.RawValue == String {
        guard let value = T(rawValue: try string(key)) else {
            throw mismatch(key, "a known \(T.self)")
        }
        return value
    }

    private func value(_ key: String, expected: String) throws -> ConfigNode {
        guard let child = node[key] else { throw mismatch(key, expected) }
        return child
    }

    private func mismatch(_ key: String, _ expected: String) -> RecipeError {
        .schemaMismatch(path: path.appending(key).description, expected: expected)
    }
}

extension ConfigNode {
    /// A scalar node with the canonical spelling of `value` (for building trees in code).
    public static func value(_ value: ConfigScalarValue) -> ConfigNode {
        ConfigNode(.scalar(ConfigScalar(text: value.canonicalText, value: value)), at: .defaults)
    }

    /// A float node spelt as Swift's shortest round-trip text of the `Float`, so that writing
    /// and reading a recipe gives back the same bits.
    public static func float(_ value: Float) -> ConfigNode {
        let text = ConfigScalarValue.yamlNumber(value.description, Double(value))
        return ConfigNode(
            .scalar(ConfigScalar(text: text, value: .float(Double(value)))),
            at: .defaults)
    }

    /// A float node, or null.
    public static func optionalFloat(_ value: Float?) -> ConfigNode {
        value.map(float) ?? .value(.null)
    }

    /// An integer node.
    public static func int(_ value: Int) -> ConfigNode { .value(.int(value)) }

    /// A string node.
    public static func string(_ value: String) -> ConfigNode { .value(.string(value)) }

    /// A string node, or null.
    public static func optionalString(_ value: String?) -> ConfigNode {
        value.map(string) ?? .value(.null)
    }

    /// A boolean node.
    public static func bool(_ value: Bool) -> ConfigNode { .value(.bool(value)) }

    /// A list-of-integers node.
    public static func intList(_ values: [Int]) -> ConfigNode {
        ConfigNode(.sequence(values.map(int)), at: .defaults)
    }

    /// A list-of-strings node.
    public static func stringList(_ values: [String]) -> ConfigNode {
        ConfigNode(.sequence(values.map(string)), at: .defaults)
    }

    /// A mapping node with keys in the given order.
    public static func mapping(_ pairs: KeyValuePairs<String, ConfigNode>) -> ConfigNode {
        ConfigNode(
            .mapping(
                pairs.map { ConfigEntry(key: $0.key, keyLocation: .defaults, value: $0.value) }),
            at: .defaults)
    }
}
