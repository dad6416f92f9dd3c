import Foundation

/// One key of a config section, declared once: its YAML name, type, default and summary (the
/// schema field and the key reference row), and the property it reads into and writes from.
///
/// The default is the property's initial value in the section's `init()`, so a key's default
/// is written in exactly one place: the Swift property declaration.
///
/// `@unchecked Sendable`: the closures only capture the key's name and a key path, both
/// immutable values, so keys are safe to share in `static let` tables.
public struct ConfigKey<Section: ConfigSection>: @unchecked Sendable {
    /// The schema field (name, type, default and summary) with the defaults of `Section()`.
    public var field: ConfigField { makeField(Section()) }
    /// The field with the defaults of a given section value (an optimizer's own learning rate).
    let makeField: (Section) -> ConfigField
    /// Sets the property from the resolved tree.
    public let read: (ConfigView, inout Section) throws -> Void
    /// The property's value as a tree node.
    public let emit: (Section) -> ConfigNode

    init(
        _ makeField: @escaping (Section) -> ConfigField,
        read: @escaping (ConfigView, inout Section) throws -> Void,
        emit: @escaping (Section) -> ConfigNode
    ) {
        self.makeField = makeField
        self.read = read
        self.emit = emit
    }

    /// The field of a key whose default is the value at `path` of the defaults given.
    public func field(defaults: Section) -> ConfigField { makeField(defaults) }

    /// An integer key.
    public static func int(
        _ name: String, _ path: WritableKeyPath<Section, Int>, _ summary: String
    ) -> ConfigKey {
        ConfigKey(
            { .int(name, $0[keyPath: path], summary) },
            read: { $1[keyPath: path] = try $0.int(name) },
            emit: { .int($0[keyPath: path]) })
    }

    /// A number key, read as the `Float` nearest to the text written.
    public static func float(
        _ name: String, _ path: WritableKeyPath<Section, Float>, _ summary: String
    ) -> ConfigKey {
        ConfigKey(
            { .float(name, Self.documented($0[keyPath: path]), summary) },
            read: { $1[keyPath: path] = try $0.float(name) },
            emit: { .float($0[keyPath: path]) })
    }

    /// A number key that may be null (the default is the property's initial value, usually nil).
    public static func optionalFloat(
        _ name: String, _ path: WritableKeyPath<Section, Float?>, _ summary: String
    ) -> ConfigKey {
        ConfigKey(
            { section in
                let value = section[keyPath: path].map { ConfigScalarValue.float(documented($0)) }
                return ConfigField(
                    name, .optional(.float), default: .value(value ?? .null), summary)
            },
            read: { $1[keyPath: path] = try $0.optionalFloat(name) },
            emit: { .optionalFloat($0[keyPath: path]) })
    }

    /// An integer key that may be null.
    public static func optionalInt(
        _ name: String, _ path: WritableKeyPath<Section, Int?>, _ summary: String
    ) -> ConfigKey {
        ConfigKey(
            { section in
                let value = section[keyPath: path].map { ConfigScalarValue.int($0) }
                return ConfigField(name, .optional(.int), default: .value(value ?? .null), summary)
            },
            read: { $1[keyPath: path] = try $0.optionalInt(name) },
            emit: { section in section[keyPath: path].map { .int($0) } ?? .value(.null) })
    }

    /// A string key.
    public static func string(
        _ name: String, _ path: WritableKeyPath<Section, String>, _ summary: String
    ) -> ConfigKey {
        ConfigKey(
            { .string(name, $0[keyPath: path], summary) },
            read: { $1[keyPath: path] = try $0.string(name) },
            emit: { .string($0[keyPath: path]) })
    }

    /// A string key that may be null.
    public static func optionalString(
        _ name: String, _ path: WritableKeyPath<Section, String?>, _ summary: String
    ) -> ConfigKey {
        ConfigKey(
            { section in
                let value = section[keyPath: path].map { ConfigScalarValue.string($0) }
                return ConfigField(
                    name, .optional(.string), default: .value(value ?? .null), summary)
            },
            read: { $1[keyPath: path] = try $0.optionalString(name) },
            emit: { .optionalString($0[keyPath: path]) })
    }

    /// A boolean key.
    public static func bool(
        _ name: String, _ path: WritableKeyPath<Section, Bool>, _ summary: String
    ) -> ConfigKey {
        ConfigKey(
            { .bool(name, $0[keyPath: path], summary) },
            read: { $1[keyPath: path] = try $0.bool(name) },
            emit: { .bool($0[keyPath: path]) })
    }

    /// A list-of-integers key.
    public static func intList(
        _ name: String, _ path: WritableKeyPath<Section, [Int]>, _ summary: String
    ) -> ConfigKey {
        ConfigKey(
            { .intList(name, $0[keyPath: path], summary) },
            read: { $1[keyPath: path] = try $0.intList(name) },
            emit: { .intList($0[keyPath: path]) })
    }

    /// A list-of-strings key.
    public static func stringList(
        _ name: String, _ path: WritableKeyPath<Section, [String]>, _ summary: String
    ) -> ConfigKey {
        ConfigKey(
            { .stringList(name, $0[keyPath: path], summary) },
            read: { $1[keyPath: path] = try $0.stringList(name) },
            emit: { .stringList($0[keyPath: path]) })
    }

    /// A key taking one of `choices` (the enum's raw values, in the order given).
    public static func choice<Value: RawRepresentable>(
        _ name: String, _ path: WritableKeyPath<Section, Value>, _ choices: [Value],
        _ summary: String
    ) -> ConfigKey where Value.RawValue == String {
        ConfigKey(
            { .choice(name, choices.map(\.rawValue), $0[keyPath: path].rawValue, summary) },
            read: { $1[keyPath: path] = try $0.choice(name) },
            emit: { .string($0[keyPath: path].rawValue) })
    }

    /// A key taking any case of a `String` enum.
    public static func choice<Value: RawRepresentable & CaseIterable>(
        _ name: String, _ path: WritableKeyPath<Section, Value>, _ summary: String
    ) -> ConfigKey where Value.RawValue == String {
        choice(name, path, Array(Value.allCases), summary)
    }

    /// A nested mapping whose keys are another section's.
    public static func section<Value: ConfigSection>(
        _ name: String, _ path: WritableKeyPath<Section, Value>, _ summary: String
    ) -> ConfigKey {
        ConfigKey(
            { .mapping(name, Value.schema(defaults: $0[keyPath: path]), summary) },
            read: { $1[keyPath: path] = try Value(config: $0.child(name)) },
            emit: { $0[keyPath: path].configNode })
    }

    /// The number a `Float` default is documented as: its shortest spelling (`0.1`, not the
    /// `Double` nearest the `Float`), which reads back to the same `Float`.
    private static func documented(_ value: Float) -> Double {
        Double(value.description) ?? Double(value)
    }
}

extension ConfigKey {
    /// This key as a key of `Outer`, whose property `path` holds this section: the same field,
    /// read and written through `path` (a section that adds nothing to another's keys, as
    /// BERT's pretrainer to its encoder's).
    public func nested<Outer: ConfigSection>(in path: WritableKeyPath<Outer, Section>)
        -> ConfigKey<Outer>
    {
        let (read, emit) = (self.read, self.emit)
        let makeField = self.makeField
        return ConfigKey<Outer>(
            { makeField($0[keyPath: path]) }, read: { try read($0, &$1[keyPath: path]) },
            emit: { emit($0[keyPath: path]) })
    }
}

extension ConfigKey {
    /// A section chosen by its `type:` key (Model Garden's `OneOfConfig`), read by `Value`.
    public static func oneOf<Value: RecipeSection>(
        _ name: String, _ path: WritableKeyPath<Section, Value>, _ schema: ConfigOneOfSchema,
        _ summary: String
    ) -> ConfigKey {
        ConfigKey(
            { _ in .oneOf(name, schema, summary) },
            read: { $1[keyPath: path] = try Value(config: $0.child(name)) },
            emit: { $0[keyPath: path].configNode })
    }
}
