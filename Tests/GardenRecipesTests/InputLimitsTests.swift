import Foundation
import Testing
@testable import GardenRecipes

/// Hostile YAML (issue 10, classes 1 and 2): deep nesting, alias bombs, include diamonds,
/// long mappings and oversized inputs end in one exact message, in bounded time.
@Suite("Recipe input limits")
struct InputLimitsTests {
    /// The message of the error `body` throws, and the seconds it took.
    func failure(_ body: () throws -> Recipe) -> (message: String?, seconds: Double) {
        let start = Date()
        do {
            let recipe = try body()
            Issue.record("expected an error, loaded \(recipe.name)")
            return (nil, Date().timeIntervalSince(start))
        } catch {
            return ((error as? LocalizedError)?.errorDescription, Date().timeIntervalSince(start))
        }
    }

    func load(_ yaml: String, _ overrides: [String] = [], in directory: URL? = nil) throws -> Recipe
    {
        try RecipeLoader.load(
            yaml: yaml, sourceName: "r.yaml", overrides: overrides, workingDirectory: directory)
    }

    static let deep = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)

    @Test func deepNestingInARecipeIsRefusedBeforeComposing() {
        let result = failure { try load("name: x\nseed: \(Self.deep)\n") }
        #expect(result.message == "r.yaml:2: nesting deeper than 64 levels")
        #expect(result.seconds < 5)
    }

    @Test func deepBlockNestingIsRefusedToo() {
        let yaml = (0..<100).map { String(repeating: " ", count: $0) + "k\($0):" }
            .joined(separator: "\n")
        #expect(failure { try load(yaml) }.message == "r.yaml:65: nesting deeper than 64 levels")
    }

    @Test func deepNestingInASetValueNamesTheArgument() {
        let argument = "seed=" + Self.deep
        #expect(
            failure { try load("", [argument]) }.message
                == "--set seed=\(String(Self.deep.prefix(75)))... (10005 bytes): nesting deeper than 64 levels"
        )
    }

    @Test func deepNestingInAnIncludedFileNamesThatFile() throws {
        let directory = try TemporaryDirectory()
        try Data("seed: \(Self.deep)\n".utf8).write(
            to: directory.url.appendingPathComponent("deep.yaml"))
        #expect(
            failure { try load("include: deep.yaml\n", in: directory.url) }.message
                == "deep.yaml:1: nesting deeper than 64 levels")
    }

    @Test func sixtyFourLevelsStillLoad() {
        // The limit itself is allowed: the value is a list, so the schema refuses it by type.
        let yaml = "seed: " + String(repeating: "[", count: 63) + String(repeating: "]", count: 63)
        #expect(
            failure { try load(yaml) }.message == "r.yaml:1: 'seed' must be an integer, got a list")
    }

    @Test func aliasExpansionIsBoundedBeforeExpanding() {
        // Ten levels of ten aliases each: 10^10 nodes if expanded.
        var yaml = "name: x\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<10 {
            let items = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            yaml += "a\(level): &a\(level) [\(items)]\n"
        }
        let result = failure { try load(yaml) }
        #expect(result.message == "r.yaml:6: more than 100000 nodes once aliases are expanded")
        #expect(result.seconds < 5)
    }

    @Test func ordinaryAliasesStillWork() throws {
        let recipe = try load("seed: &w 8\nmodel: {hidden_sizes: [*w, *w]}\n")
        guard case let .mlp(config) = recipe.model else { Issue.record("not an mlp"); return }
        #expect(config.hiddenSizes == [8, 8])
        let aliased = try load("seed: &s 5\ntrain: {steps: *s}\n")
        #expect(aliased.train.steps == 5)
    }

    @Test func anIncludeDiamondReadsEachFileOnce() throws {
        // Level i includes both files of level i+1: 2^20 include paths, 40 files.
        let directory = try TemporaryDirectory()
        for level in 0..<20 {
            for side in ["a", "b"] {
                let text =
                    level < 19
                    ? "include: [l\(level + 1)a.yaml, l\(level + 1)b.yaml]\n" : "seed: 3\n"
                try Data(text.utf8).write(
                    to: directory.url.appendingPathComponent("l\(level)\(side).yaml"))
            }
        }
        let start = Date()
        let recipe = try load("include: [l0a.yaml, l0b.yaml]\n", in: directory.url)
        #expect(recipe.seed == 3)
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test func duplicateKeysInALongMappingAreFoundInLinearTime() {
        let yaml = "name: x\n" + (0..<40_000).map { "k\($0): 1\n" }.joined() + "k7: 2\n"
        let result = failure { try load(yaml) }
        #expect(result.message == "r.yaml:40002: duplicate key 'k7' (first set on line 9)")
        #expect(result.seconds < 10)
    }

    @Test func aRecipeFileLargerThanOneMegabyteIsRefused() throws {
        let directory = try TemporaryDirectory()
        let file = directory.url.appendingPathComponent("big.yaml")
        try Data(("name: x\n#" + String(repeating: "x", count: 1 << 20)).utf8).write(to: file)
        #expect(
            failure { try RecipeLoader.load(path: file.path) }.message
                == "\(file.path): the file is larger than 1048576 bytes, the limit for a recipe")
    }

    @Test func aSetArgumentLargerThan64KilobytesIsRefused() {
        let argument = "train.steps=" + String(repeating: "1", count: 70_000)
        #expect(
            failure { try load("", [argument]) }.message
                == "--set train.steps=\(String(repeating: "1", count: 68))... (70012 bytes): is 70012 bytes, more than the limit of 65536 for one --set argument"
        )
    }

    @Test func aLongUnknownKeyIsShortenedInTheMessage() {
        // libyaml takes simple keys up to 1024 characters.
        let key = String(repeating: "k", count: 1000)
        #expect(
            failure { try load("\(key): 1\n") }.message
                == "r.yaml:1: unknown key '\(String(repeating: "k", count: 80))... (1000 bytes)' (valid keys: data, export, model, name, seed, train)"
        )
    }
}

/// A fresh directory under the system temp dir, removed when the value is deinitialized.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("garden-recipes-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
