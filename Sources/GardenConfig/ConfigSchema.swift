import Foundation

/// The type of a configuration key. Schemas are plain tables of `ConfigField`s built from these.
public indirect enum ConfigType: Sendable {
    /// A YAML integer.
    case int
    /// A YAML number (integers are accepted: `learning_rate: 1` is 1.0).
    case float
    /// Any non-null scalar, taken as written (`name: 2024` is the string "2024").
    case string
    /// A YAML boolean.
    case bool
    /// One string out of a fixed list.
    case choice([String])
    /// A list of YAML integers.
    case intList
    /// A list of strings (any non-null scalars, taken as written).
    case stringList
    /// The wrapped type, or null.
    case optional(ConfigType)
    /// A nested mapping with its own keys (null means "all defaults").
    case mapping(ConfigMappingSchema)
    /// A mapping whose `type:` key selects which variant's keys are valid.
    case oneOf(ConfigOneOfSchema)

    /// How the type reads in "must be ..." errors and in the key reference.
    public var expectation: String {
        switch self {
        case .int: return "an integer"
        case .float: return "a number"
        case .string: return "a string"
        case .bool: return "a boolean"
        case let .choice(choices): return "one of " + choices.joined(separator: ", ")
        case .intList: return "a list of integers"
        case .stringList: return "a list of strings"
        case let .optional(wrapped): return "\(wrapped.expectation) or null"
        case .mapping, .oneOf: return "a mapping"
        }
    }
}

/// The default of a key.
public enum ConfigDefault: Sendable {
    /// No default: the key must be given.
    case required
    /// Filled in by the loader, not the schema (e.g. `name` from the file name); the text
    /// documents it.
    case derived(String)
    /// A fixed value.
    case value(ConfigScalarValue)
    /// A fixed list of integers.
    case intList([Int])
    /// A fixed list of strings.
    case stringList([String])
    /// Nested mappings and one-ofs take their defaults from their own fields.
    case nested
}

/// One key of a mapping: its name, type, default and a one-line meaning for the docs.
public struct ConfigField: Sendable {
    /// The YAML key (snake_case).
    public var name: String
    /// The value's type.
    public var type: ConfigType
    /// The default.
    public var defaultValue: ConfigDefault
    /// One line for the key reference.
    public var summary: String

    /// Creates a field.
    /// - Parameters:
    ///   - name: The YAML key.
    ///   - type: The value's type.
    ///   - defaultValue: The default.
    ///   - summary: One line for the key reference.
    public init(
        _ name: String, _ type: ConfigType, default defaultValue: ConfigDefault,
        _ summary: String
    ) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.summary = summary
    }

    /// An integer key.
    public static func int(_ name: String, _ value: Int, _ summary: String) -> ConfigField {
        ConfigField(name, .int, default: .value(.int(value)), summary)
    }

    /// A number key.
    public static func float(_ name: String, _ value: Double, _ summary: String) -> ConfigField {
        ConfigField(name, .float, default: .value(.float(value)), summary)
    }

    /// A string key.
    public static func string(_ name: String, _ value: String, _ summary: String) -> ConfigField {
        ConfigField(name, .string, default: .value(.string(value)), summary)
    }

    /// A boolean key.
    public static func bool(_ name: String, _ value: Bool, _ summary: String) -> ConfigField {
        ConfigField(name, .bool, default: .value(.bool(value)), summary)
    }

    /// A key taking one of `choices`.
    public static func choice(
        _ name: String, _ choices: [String], _ value: String,
        _ summary: String
    ) -> ConfigField {
        ConfigField(name, .choice(choices), default: .value(.string(value)), summary)
    }

    /// A list-of-integers key.
    public static func intList(_ name: String, _ value: [Int], _ summary: String) -> ConfigField {
        ConfigField(name, .intList, default: .intList(value), summary)
    }

    /// A list-of-strings key.
    public static func stringList(_ name: String, _ value: [String], _ summary: String)
        -> ConfigField
    {
        ConfigField(name, .stringList, default: .stringList(value), summary)
    }

    /// A key that may be null and defaults to null.
    public static func optional(
        _ name: String, _ type: ConfigType, _ summary: String
    ) -> ConfigField {
        ConfigField(name, .optional(type), default: .value(.null), summary)
    }

    /// A nested mapping key.
    public static func mapping(
        _ name: String, _ schema: ConfigMappingSchema,
        _ summary: String
    ) -> ConfigField {
        ConfigField(name, .mapping(schema), default: .nested, summary)
    }

    /// A one-of key selected by `type:`.
    public static func oneOf(
        _ name: String, _ schema: ConfigOneOfSchema,
        _ summary: String
    ) -> ConfigField {
        ConfigField(name, .oneOf(schema), default: .nested, summary)
    }
}

/// The keys of a mapping, in the order the resolved YAML and the docs list them.
public struct ConfigMappingSchema: Sendable {
    /// The keys in schema order.
    public var fields: [ConfigField]

    /// Creates a mapping schema.
    /// - Parameter fields: The keys in schema order.
    public init(_ fields: [ConfigField]) {
        self.fields = fields
    }
}

/// Variants of a section, chosen by its `type:` key (Model Garden's `OneOfConfig`).
public struct ConfigOneOfSchema: Sendable {
    /// One variant: the `type:` value and the other keys it allows.
    public struct Variant: Sendable {
        /// The `type:` value.
        public var name: String
        /// One line for the key reference.
        public var summary: String
        /// The keys besides `type`.
        public var schema: ConfigMappingSchema

        /// Creates a variant.
        /// - Parameters:
        ///   - name: The `type:` value.
        ///   - summary: One line for the key reference.
        ///   - fields: The keys besides `type`, in schema order.
        public init(_ name: String, _ summary: String, _ fields: [ConfigField]) {
            self.name = name
            self.summary = summary
            self.schema = ConfigMappingSchema(fields)
        }
    }

    /// The discriminator key, always `type` so the merge rule can recognise it.
    public static let discriminator = "type"
    /// The variant used when `type:` is absent; `nil` makes `type:` required.
    public var defaultVariant: String?
    /// The variants.
    public var variants: [Variant]

    /// Creates a one-of schema.
    /// - Parameters:
    ///   - defaultVariant: The variant used when `type:` is absent.
    ///   - variants: The variants.
    public init(default defaultVariant: String?, _ variants: [Variant]) {
        self.defaultVariant = defaultVariant
        self.variants = variants
    }

    /// The variant named `name`.
    public func variant(_ name: String) -> Variant? {
        variants.first { $0.name == name }
    }
}
