import GardenRecipes

/// The command line of `garden-bench` after the subcommand: positional words and
/// `--name value` options (`--set` may repeat).
struct BenchArguments {
    var positional: [String] = []
    var options: [String: [String]] = [:]

    /// Splits `words`; every `--name` takes the next word as its value.
    init(_ words: [String]) throws {
        var i = 0
        while i < words.count {
            let w = words[i]
            if w.hasPrefix("--") {
                guard i + 1 < words.count else { throw BenchError.usage("\(w) needs a value") }
                options[String(w.dropFirst(2)), default: []].append(words[i + 1])
                i += 2
            } else {
                positional.append(w)
                i += 1
            }
        }
    }

    /// The recipe at the first positional word, with the `--set` overrides, for `command`.
    func recipe(for command: String) throws -> Recipe {
        guard let path = positional.first else {
            throw BenchError.usage("\(command) needs a RECIPE")
        }
        return try RecipeLoader.load(path: path, overrides: options["set"] ?? [])
    }

    /// The last value of `--name`, which `command` needs (`placeholder` says what it is).
    func required(_ name: String, _ placeholder: String, for command: String) throws -> String {
        guard let text = value(name) else {
            throw BenchError.usage("\(command) needs --\(name) \(placeholder)")
        }
        return text
    }

    /// The last value of `--name`, or nil.
    func value(_ name: String) -> String? { options[name]?.last }

    /// `--name` as an integer, `fallback` when absent.
    func int(_ name: String, _ fallback: Int) throws -> Int {
        guard let text = value(name) else { return fallback }
        guard let v = Int(text), v >= 0 else {
            throw BenchError.usage("--\(name) must be a non-negative integer, got '\(text)'")
        }
        return v
    }
}
