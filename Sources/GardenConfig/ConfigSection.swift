import Foundation

/// A config section declared once: a struct whose `init()` holds every default and whose
/// `keys` name, type and document each property. The schema, the reading from a resolved tree
/// and the writing back are all derived from `keys`, so a key is written in one place.
public protocol ConfigSection: RecipeSection {
    /// The section with every default (the values a recipe gets when it omits the keys).
    init()
    /// The keys, in the order the resolved YAML and the key reference list them.
    static var keys: [ConfigKey<Self>] { get }
}

extension ConfigSection {
    /// The schema of the section's mapping.
    public static var schema: ConfigMappingSchema { schema(defaults: Self()) }

    /// The schema with the defaults of `defaults` (a nested section whose defaults its
    /// parent sets, such as each optimizer's learning rate).
    public static func schema(defaults: Self) -> ConfigMappingSchema {
        ConfigMappingSchema(keys.map { $0.field(defaults: defaults) })
    }

    /// Reads the section from a resolved tree (every key present, types checked).
    public init(config: ConfigView) throws {
        self.init()
        try read(config, keys: Self.keys)
    }

    /// Sets the properties of `keys` from a resolved tree (a variant reads only its own keys).
    public mutating func read(_ config: ConfigView, keys: [ConfigKey<Self>]) throws {
        for key in keys { try key.read(config, &self) }
    }

    /// The section as a tree, keys in schema order.
    public var configNode: ConfigNode { configNode(type: nil, keys: Self.keys) }

    /// The section as a tree of `keys` only, after a `type:` entry when `type` is given (a
    /// variant of a one-of).
    public func configNode(type: String?, keys: [ConfigKey<Self>]) -> ConfigNode {
        let typeEntry = type.map {
            ConfigEntry(
                key: ConfigOneOfSchema.discriminator, keyLocation: .defaults, value: .string($0))
        }
        let entries = keys.map {
            ConfigEntry(key: $0.field.name, keyLocation: .defaults, value: $0.emit(self))
        }
        return ConfigNode(.mapping((typeEntry.map { [$0] } ?? []) + entries), at: .defaults)
    }
}

/// A section that is one variant of a one-of (`model:` and `export:`), chosen by `type:`.
public protocol ConfigVariant: ConfigSection {
    /// The `type:` value.
    static var typeName: String { get }
    /// One line for the key reference.
    static var summary: String { get }
}

extension ConfigVariant {
    /// The variant's entry in the parent's one-of schema.
    public static var variant: ConfigOneOfSchema.Variant {
        ConfigOneOfSchema.Variant(typeName, summary, keys.map(\.field))
    }

    /// The section as a tree: `type:` first, then the keys in schema order.
    public var configNode: ConfigNode { configNode(type: Self.typeName, keys: Self.keys) }
}
