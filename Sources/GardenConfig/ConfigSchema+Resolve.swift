import Foundation

extension ConfigMappingSchema {
    /// Checks a merged tree against the schema and fills in every default.
    ///
    /// Keys are strict (`Decodable` would ignore a misspelt key): an unknown key fails with its
    /// full dotted path, the valid keys at that level and the nearest one. The result has every
    /// key of the schema, in schema order, with integers given for numbers turned into numbers,
    /// and keeps the location of each value that was written.
    /// - Parameter tree: The merged layers (defaults, includes, recipe, overrides).
    /// - Returns: The complete tree.
    /// - Throws: ``RecipeError`` naming the key path and location of an unknown key or a value
    ///   of the wrong type or out of range.
    public func resolve(_ tree: ConfigNode) throws -> ConfigNode {
        try resolve(tree, path: ConfigPath(), parent: tree.location)
    }

    func resolve(
        _ node: ConfigNode?, path: ConfigPath, parent: ConfigLocation,
        leading: [ConfigEntry] = []
    ) throws -> ConfigNode {
        let location = node?.location ?? ConfigLocation.defaults
        var entries: [ConfigEntry] = []
        if let node, !node.isNull {
            guard let given = node.entries else {
                throw RecipeError.typeMismatch(
                    location: node.location, path: path.description,
                    expected: "a mapping", found: node.foundDescription)
            }
            entries = given
        }
        let valid = fields.map(\.name) + leading.map(\.key)
        for entry in entries where !valid.contains(entry.key) {
            throw RecipeError.unknownKey(
                location: entry.keyLocation, path: path.appending(entry.key).description,
                suggestion: EditDistance.nearest(to: entry.key, in: valid)
                    .map { path.appending($0).description },
                validKeys: valid.sorted())
        }
        var resolved = leading
        for field in fields {
            let entry = entries.first { $0.key == field.name }
            let value = try field.resolve(
                entry?.value, path: path.appending(field.name),
                parent: node?.location ?? parent)
            resolved.append(
                ConfigEntry(
                    key: field.name,
                    keyLocation: entry?.keyLocation ?? .defaults, value: value))
        }
        return ConfigNode(.mapping(resolved), at: location)
    }
}

extension ConfigField {
    /// The value of this field, or its default when `node` is `nil`.
    func resolve(_ node: ConfigNode?, path: ConfigPath, parent: ConfigLocation) throws -> ConfigNode
    {
        if let node {
            return try type.check(node, path: path, parent: parent)
        }
        switch defaultValue {
        case .required, .derived:
            throw RecipeError.missingKey(location: parent, path: path.description)
        case let .value(value):
            return ConfigNode(
                .scalar(ConfigScalar(text: value.canonicalText, value: value)),
                at: .defaults)
        case let .intList(values):
            let items = values.map {
                ConfigNode(.scalar(ConfigScalar(text: String($0), value: .int($0))), at: .defaults)
            }
            return ConfigNode(.sequence(items), at: .defaults)
        case let .stringList(values):
            return ConfigNode.stringList(values)
        case .nested:
            return try type.check(nil, path: path, parent: parent)
        }
    }
}

extension ConfigType {
    /// Checks `node` (nil only for nested defaults) and returns it normalised.
    func check(_ node: ConfigNode?, path: ConfigPath, parent: ConfigLocation) throws -> ConfigNode {
        func mismatch(_ node: ConfigNode) -> RecipeError {
            .typeMismatch(
                location: node.location, path: path.description,
                expected: expectation, found: node.foundDescription)
        }
        switch self {
        case let .mapping(schema):
            return try schema.resolve(node, path: path, parent: parent)
        case let .oneOf(schema):
            return try schema.resolve(node, path: path, parent: parent)
        default:
            break
        }
        guard let node else {
            throw RecipeError.missingKey(location: parent, path: path.description)
        }
        switch (self, node.content) {
        case let (.optional(wrapped), _):
            if node.isNull { return node }
            do {
                return try wrapped.check(node, path: path, parent: parent)
            } catch RecipeError.typeMismatch(_, path.description, let expected, _)
                where expected == wrapped.expectation
            {
                // Say that null was allowed too.
                throw mismatch(node)
            }
        case let (.int, .scalar(scalar)):
            guard case .int = scalar.value else { throw mismatch(node) }
            return node
        case let (.float, .scalar(scalar)):
            switch scalar.value {
            case let .int(value):
                return ConfigNode(
                    .scalar(ConfigScalar(text: scalar.text, value: .float(Double(value)))),
                    at: node.location)
            case let .float(value):
                // NaN and infinity pass every comparison rule and then trap where a count is
                // derived from them; so does a number beyond Float's range, read as `Float`.
                guard value.isFinite, abs(value) <= Double(Float.greatestFiniteMagnitude) else {
                    throw RecipeError.typeMismatch(
                        location: node.location, path: path.description,
                        expected: "a finite number", found: node.foundDescription)
                }
                return node
            default:
                throw mismatch(node)
            }
        case let (.bool, .scalar(scalar)):
            guard case .bool = scalar.value else { throw mismatch(node) }
            return node
        case let (.string, .scalar(scalar)) where scalar.value != .null:
            return ConfigNode(
                .scalar(ConfigScalar(text: scalar.text, value: .string(scalar.text))),
                at: node.location)
        case let (.choice(choices), .scalar(scalar)) where scalar.value != .null:
            guard choices.contains(scalar.text) else {
                throw RecipeError.invalidChoice(
                    location: node.location, path: path.description, value: scalar.text,
                    choices: choices, suggestion: EditDistance.nearest(to: scalar.text, in: choices)
                )
            }
            return ConfigNode(
                .scalar(ConfigScalar(text: scalar.text, value: .string(scalar.text))),
                at: node.location)
        case let (.intList, .sequence(items)):
            for (index, item) in items.enumerated() {
                _ = try ConfigType.int.check(
                    item, path: path.appending(index: index), parent: parent)
            }
            return node
        case let (.stringList, .sequence(items)):
            let strings = try items.enumerated().map { index, item in
                try ConfigType.string.check(
                    item, path: path.appending(index: index), parent: parent)
            }
            return ConfigNode(.sequence(strings), at: node.location)
        default:
            throw mismatch(node)
        }
    }
}

extension ConfigOneOfSchema {
    /// Picks the variant named by `type:` (or the default) and resolves its keys.
    func resolve(_ node: ConfigNode?, path: ConfigPath, parent: ConfigLocation) throws -> ConfigNode
    {
        let key = Self.discriminator
        let typePath = path.appending(key)
        if let node, !node.isNull, node.entries == nil {
            throw RecipeError.typeMismatch(
                location: node.location, path: path.description,
                expected: "a mapping", found: node.foundDescription)
        }
        let typeEntry: ConfigEntry
        if let given = node?.entries?.first(where: { $0.key == key }) {
            let names = variants.map(\.name)
            let checked = try ConfigType.choice(names).check(
                given.value, path: typePath, parent: parent)
            typeEntry = ConfigEntry(key: key, keyLocation: given.keyLocation, value: checked)
        } else if let defaultVariant {
            let scalar = ConfigScalar(text: defaultVariant, value: .string(defaultVariant))
            typeEntry = ConfigEntry(
                key: key, keyLocation: .defaults,
                value: ConfigNode(.scalar(scalar), at: .defaults))
        } else {
            throw RecipeError.missingKey(
                location: node?.location ?? parent,
                path: typePath.description)
        }
        let name = typeEntry.value.scalar?.text ?? ""
        guard let variant = variant(name) else {
            throw RecipeError.schemaMismatch(
                path: typePath.description, expected: "a known variant")
        }
        return try variant.schema.resolve(
            node?.removing(key), path: path, parent: parent,
            leading: [typeEntry])
    }
}

extension ConfigScalarValue {
    /// The YAML spelling of the value: what defaults show and the emitter writes.
    public var canonicalText: String {
        switch self {
        case .null: return "null"
        case let .bool(value): return value ? "true" : "false"
        case let .int(value): return String(value)
        case let .float(value): return ConfigScalarValue.yamlNumber(value.description, value)
        case let .string(value): return value
        }
    }

    /// Spells a float so that YAML reads it back as a float: `1.0` not `1`, `.inf` not `inf`.
    /// - Parameters:
    ///   - description: Swift's shortest round-trip spelling of the number.
    ///   - value: The number (for the special cases).
    /// - Returns: The YAML spelling.
    public static func yamlNumber(_ description: String, _ value: Double) -> String {
        if value.isNaN { return ".nan" }
        if value.isInfinite { return value < 0 ? "-.inf" : ".inf" }
        if description.contains(".") || description.contains("e") { return description }
        return description + ".0"
    }
}
