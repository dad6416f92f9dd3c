import Foundation

/// One `--set a.b.c=value` argument, like Model Garden's `--params_override`.
///
/// The value is parsed as a YAML flow value, so `300` is an int, `0.5` a float, `[64, 64]` a
/// list, `null` (or nothing) a null and `'300'` a string. The key is a dotted path of mapping
/// keys; whether it exists is the schema's business, so the error names this argument.
public struct ConfigOverride: Sendable {
    /// The argument as given, without `--set ` (e.g. `train.steps=300`).
    public let text: String
    /// The keys of the dotted path.
    public let keys: [String]
    /// The parsed value.
    public let value: ConfigNode

    /// Parses `KEY=VALUE`.
    /// - Parameter text: The argument as given, without `--set `.
    /// - Throws: `RecipeError.malformedOverride` when there is no `=`, a key part is empty,
    ///   or the value is not YAML.
    public init(parsing text: String) throws {
        self.text = text
        guard text.utf8.count <= YAMLBudget.maxOverrideBytes else {
            throw RecipeError.malformedOverride(
                override: text,
                reason: "is \(text.utf8.count) bytes, more than the limit of "
                    + "\(YAMLBudget.maxOverrideBytes) for one --set argument")
        }
        guard let equals = text.firstIndex(of: "=") else {
            throw RecipeError.malformedOverride(
                override: text, reason: "expected KEY=VALUE, e.g. --set train.steps=300")
        }
        let key = text[..<equals].trimmingCharacters(in: .whitespaces)
        let keys = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !keys.contains(where: \.isEmpty) else {
            throw RecipeError.malformedOverride(
                override: text, reason: "expected a dotted key such as train.steps before '='")
        }
        self.keys = keys
        let source = ConfigSource.override(text)
        do {
            value = try ConfigParser.parse(
                String(text[text.index(after: equals)...]),
                source: source)
        } catch let RecipeError.malformedYAML(_, _, _, problem) {
            throw RecipeError.malformedOverride(
                override: text,
                reason: "the value is not valid YAML: \(problem)")
        }
    }

    /// The override as a tree with one path from the root, ready to merge over a recipe.
    public var tree: ConfigNode {
        let location = ConfigLocation(.override(text))
        var node = value
        for key in keys.reversed() {
            node = ConfigNode(
                .mapping([ConfigEntry(key: key, keyLocation: location, value: node)]),
                at: location)
        }
        return node
    }
}
