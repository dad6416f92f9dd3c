import Foundation

/// Everything that can go wrong while loading a recipe. Each message is one line that says
/// where (file and line, or the `--set` argument), what was expected, what was found, and a hint.
public enum RecipeError: LocalizedError, Equatable {
    /// The recipe file does not exist.
    case fileNotFound(path: String)
    /// The file exists but could not be read as UTF-8 text.
    case unreadableFile(path: String, reason: String)
    /// An `include:` entry matched no file; `searched` lists the paths tried, in order.
    case includeNotFound(location: ConfigLocation, include: String, searched: [String])
    /// Includes form a cycle; `chain` starts and ends with the same file.
    case includeCycle(location: ConfigLocation, chain: [String])
    /// The YAML could not be parsed (Yams' problem text and 1-based position).
    case malformedYAML(source: String, line: Int, column: Int, problem: String)
    /// A file, a `--set` argument or its YAML is beyond one of the input limits
    /// (`YAMLBudget`): too large, too deeply nested, too many nodes or included files.
    case limitExceeded(location: ConfigLocation, reason: String)
    /// A `--set` argument is not `KEY=VALUE` or its value is not YAML.
    case malformedOverride(override: String, reason: String)
    /// A document (or an included file) is not a mapping of keys.
    case notAMapping(location: ConfigLocation, found: String)
    /// The same key appears twice in one mapping of one file.
    case duplicateKey(location: ConfigLocation, path: String, firstLine: Int)
    /// A key that the schema does not know at that level.
    case unknownKey(
        location: ConfigLocation, path: String, suggestion: String?, validKeys: [String])
    /// A value of the wrong YAML type (`expected` reads like "an integer").
    case typeMismatch(location: ConfigLocation, path: String, expected: String, found: String)
    /// A string that is not one of the allowed values.
    case invalidChoice(
        location: ConfigLocation, path: String, value: String, choices: [String],
        suggestion: String?)
    /// A key without a default is missing.
    case missingKey(location: ConfigLocation, path: String)
    /// A value of the right type that breaks a rule of `Recipe.validate()`.
    /// `location` is `nil` until the loader finds where the key was set.
    case invalidValue(location: ConfigLocation?, path: String, reason: String)
    /// The typed recipe asked the resolved tree for a value the schema did not produce: a bug
    /// in GardenRecipes, not in the recipe.
    case schemaMismatch(path: String, expected: String)

    /// The one-line message, with any quoted key or value longer than 100 characters cut
    /// short (a hostile recipe cannot make the line megabytes long).
    public var errorDescription: String? {
        let short = ConfigLocation.abbreviated
        switch self {
        case let .fileNotFound(path):
            return "recipe file not found: '\(path)'"
        case let .unreadableFile(path, reason):
            return "cannot read '\(path)': \(reason)"
        case let .includeNotFound(location, include, searched):
            return "\(location): include '\(include)' not found (looked in "
                + searched.joined(separator: ", ") + ")"
        case let .includeCycle(location, chain):
            return "\(location): include cycle: " + chain.joined(separator: " -> ")
        case let .malformedYAML(source, line, column, problem):
            return "\(source):\(line):\(column): malformed YAML: \(problem)"
        case let .limitExceeded(location, reason):
            return "\(location): \(reason)"
        case let .malformedOverride(override, reason):
            return "--set \(ConfigLocation.abbreviated(override)): \(reason)"
        case let .notAMapping(location, found):
            return "\(location): expected a mapping of keys, got \(found)"
        case let .duplicateKey(location, path, firstLine):
            return "\(location): duplicate key '\(short(path))' (first set on line \(firstLine))"
        case let .unknownKey(location, path, suggestion, validKeys):
            let hint = suggestion.map { "did you mean '\($0)'? " } ?? ""
            return "\(location): unknown key '\(short(path))' (\(hint)valid keys: "
                + validKeys.joined(separator: ", ") + ")"
        case let .typeMismatch(location, path, expected, found):
            return "\(location): '\(path)' must be \(expected), got \(short(found))"
        case let .invalidChoice(location, path, value, choices, suggestion):
            let hint = suggestion.map { " (did you mean '\($0)'?)" } ?? ""
            return "\(location): '\(path)' must be one of "
                + choices.joined(separator: ", ") + ", got '\(short(value))'\(hint)"
        case let .missingKey(location, path):
            return "\(location): missing required key '\(path)'"
        case let .invalidValue(location, path, reason):
            let prefix = location.map { "\($0): " } ?? ""
            return "\(prefix)'\(path)' \(reason)"
        case let .schemaMismatch(path, expected):
            return "internal error: expected \(expected) at '\(path)' in the resolved recipe"
                + " (a bug in GardenRecipes, please report it)"
        }
    }
}
