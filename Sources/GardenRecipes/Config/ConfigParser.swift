import Foundation
import Yams

/// Turns YAML text into a `ConfigNode` tree, keeping the line of every key and value.
public enum ConfigParser {
    /// Parses one YAML document.
    ///
    /// An empty document is an empty mapping. Duplicate keys are errors, because YAML
    /// silently keeping one of them would hide a typo.
    /// - Parameters:
    ///   - yaml: The YAML text.
    ///   - source: Where the text came from; used for locations and error messages.
    /// - Returns: The tree; `nil` content becomes a null scalar.
    /// - Throws: ``RecipeError`` naming the source and line of a syntax error, a duplicate key
    ///   or a document over the size budget.
    public static func parse(_ yaml: String, source: ConfigSource) throws -> ConfigNode {
        if let (reason, line) = YAMLBudget.violation(in: yaml) {
            throw RecipeError.limitExceeded(
                location: locate(line: line, in: source), reason: reason)
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw malformed(error, yaml: yaml, source: source)
        }
        guard let root else {
            return ConfigNode(
                .scalar(ConfigScalar(text: "", value: .null)),
                at: ConfigLocation(source, line: 1))
        }
        return try convert(root, source: source, path: ConfigPath())
    }

    /// Converts a Yams node, resolving scalar tags the way YAML 1.1 does (`yes` is a bool).
    static func convert(_ node: Node, source: ConfigSource, path: ConfigPath) throws -> ConfigNode {
        let location = locate(node.mark, in: source)
        switch node {
        case let .scalar(scalar):
            return ConfigNode(
                .scalar(ConfigScalar(text: scalar.string, value: value(of: node))),
                at: location)
        case let .sequence(sequence):
            var items: [ConfigNode] = []
            for (index, item) in sequence.enumerated() {
                items.append(try convert(item, source: source, path: path.appending(index: index)))
            }
            return ConfigNode(.sequence(items), at: location)
        case let .mapping(mapping):
            var entries: [ConfigEntry] = []
            // Key -> index in `entries`: one lookup per key keeps a long mapping linear.
            var seen: [String: Int] = [:]
            for (keyNode, valueNode) in mapping {
                let key = keyNode.string ?? keyNode.scalar?.string ?? ""
                let keyLocation = locate(keyNode.mark, in: source)
                if let first = seen[key] {
                    throw RecipeError.duplicateKey(
                        location: keyLocation, path: path.appending(key).description,
                        firstLine: entries[first].keyLocation.line ?? 0)
                }
                seen[key] = entries.count
                let value = try convert(valueNode, source: source, path: path.appending(key))
                entries.append(ConfigEntry(key: key, keyLocation: keyLocation, value: value))
            }
            return ConfigNode(.mapping(entries), at: location)
        }
    }

    /// The resolved value of a scalar node.
    static func value(of node: Node) -> ConfigScalarValue {
        let text = node.scalar?.string ?? ""
        // Quoted scalars carry an explicit `str` tag, so `'300'` stays a string.
        switch Resolver.default.resolveTag(of: node) {
        case .null:
            return .null
        case .bool:
            return node.bool.map(ConfigScalarValue.bool) ?? .string(text)
        case .int:
            // An integer too large for Int stays a string, so the schema reports it.
            return node.int.map(ConfigScalarValue.int) ?? .string(text)
        case .float:
            return node.float.map(ConfigScalarValue.float) ?? .string(text)
        default:
            return .string(text)
        }
    }

    /// Only files have lines; a `--set` value's line would be meaningless.
    static func locate(_ mark: Mark?, in source: ConfigSource) -> ConfigLocation {
        locate(line: mark?.line, in: source)
    }

    static func locate(line: Int?, in source: ConfigSource) -> ConfigLocation {
        if case .file = source { return ConfigLocation(source, line: line) }
        return ConfigLocation(source)
    }

    /// Maps a Yams error to `RecipeError`, keeping its position.
    static func malformed(_ error: YamlError, yaml: String, source: ConfigSource) -> RecipeError {
        let name: String
        switch source {
        case let .file(file): name = file
        case let .override(text): name = "--set \(text)"
        case .defaults: name = "defaults"
        }
        func describe(_ context: YamlError.Context?, _ problem: String) -> String {
            guard let context else { return problem }
            // A `--set` value is one line, so a line number there would only confuse.
            if case .override = source { return "\(problem) (\(context.text))" }
            return "\(problem) (\(context.text) at line \(context.mark.line))"
        }
        switch error {
        case let .scanner(context, problem, mark, _),
            let .parser(context, problem, mark, _),
            let .composer(context, problem, mark, _):
            return .malformedYAML(
                source: name, line: mark.line, column: mark.column,
                problem: describe(context, problem))
        case let .reader(problem, offset, _, _):
            let prefix = yaml.prefix(offset ?? 0)
            let line = prefix.filter { $0 == "\n" }.count + 1
            let column =
                prefix.count
                - (prefix.lastIndex(of: "\n").map {
                    prefix.distance(from: prefix.startIndex, to: $0) + 1
                } ?? 0) + 1
            return .malformedYAML(source: name, line: line, column: column, problem: problem)
        default:
            return .malformedYAML(source: name, line: 1, column: 1, problem: "\(error)")
        }
    }
}
