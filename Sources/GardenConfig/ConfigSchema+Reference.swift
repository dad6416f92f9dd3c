import Foundation

extension ConfigMappingSchema {
    /// The key reference as a Markdown table (key, type, default, meaning), every key in
    /// schema order. docs/recipes.md embeds it and a test keeps the two equal, so the docs
    /// cannot drift from the schema.
    public func markdownReference() -> String {
        var lines = ["| key | type | default | meaning |", "| --- | --- | --- | --- |"]
        appendRows(prefix: ConfigPath(), variant: nil, into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }

    func appendRows(prefix: ConfigPath, variant: String?, into lines: inout [String]) {
        for field in fields {
            let path = prefix.appending(field.name)
            let scope = variant.map { " (`type: \($0)`)" } ?? ""
            lines.append(
                "| `\(path)`\(scope) | \(field.type.referenceName) | "
                    + "\(field.defaultValue.referenceText(field.type)) | \(field.summary) |")
            switch field.type {
            case let .mapping(schema):
                schema.appendRows(prefix: path, variant: variant, into: &lines)
            case let .oneOf(schema):
                for option in schema.variants {
                    lines.append("| `\(path).type: \(option.name)` | | | \(option.summary). |")
                    option.schema.appendRows(prefix: path, variant: option.name, into: &lines)
                }
            default:
                break
            }
        }
    }
}

extension ConfigType {
    /// The type as the key reference names it.
    var referenceName: String {
        switch self {
        case .int: return "int"
        case .float: return "float"
        case .string: return "string"
        case .bool: return "bool"
        case let .choice(choices): return choices.joined(separator: " \\| ")
        case .intList: return "list of int"
        case .stringList: return "list of string"
        case let .optional(wrapped): return "\(wrapped.referenceName) or null"
        case .mapping: return "mapping"
        case let .oneOf(schema):
            return "one of " + schema.variants.map(\.name).joined(separator: " \\| ")
                + " (by `type`)"
        }
    }
}

extension ConfigDefault {
    /// The default as the key reference shows it.
    func referenceText(_ type: ConfigType) -> String {
        switch self {
        case .required: return "required"
        case let .derived(text): return text
        case let .value(value): return "`\(value.canonicalText)`"
        case let .intList(values):
            return "`[" + values.map(String.init).joined(separator: ", ") + "]`"
        case let .stringList(values):
            return "`[" + values.joined(separator: ", ") + "]`"
        case .nested:
            if case let .oneOf(schema) = type, let name = schema.defaultVariant {
                return "`type: \(name)`"
            }
            return ""
        }
    }
}
