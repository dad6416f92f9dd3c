import Foundation
@testable import GardenFuzzTargets
import Testing

/// Replays every input that ever crashed a fuzz target (`Fuzz/regressions/<target>/`) through
/// the same target code `scripts/fuzz` runs; a regression traps this test process.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static let folder = TestPaths.repositoryRoot.appendingPathComponent(
        "Fuzz/regressions", isDirectory: true)

    static func inputs(of target: FuzzTarget) -> [URL] {
        let directory = folder.appendingPathComponent(target.rawValue, isDirectory: true)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().filter { !$0.hasPrefix(".") }.map {
            directory.appendingPathComponent($0)
        }
    }

    @Test func everyTargetHasRegressionInputs() {
        for target in [FuzzTarget.recipe, .checkpoint, .predictInput] {
            #expect(!Self.inputs(of: target).isEmpty, "no regression inputs for \(target.rawValue)")
        }
    }

    /// `scripts/fuzz` starts each target from its seeds (the recipe target's stopped at the
    /// data folder `Recipes/data` when it came, and with it the script).
    @Test func everyTargetWritesItsSeeds() throws {
        let workspace = try FuzzWorkspace()
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        for target in FuzzTarget.allCases {
            let folder = workspace.root.appendingPathComponent("seeds/\(target.rawValue)")
            try workspace.writeSeeds(of: target, to: folder, repository: TestPaths.repositoryRoot)
            #expect(
                try !FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty,
                "no seeds for \(target.rawValue)")
        }
    }

    /// The text targets' seeds are accepted whole (no error), so fuzzing starts from inputs
    /// that reach the tokenizer and the examples, not only from the readers' refusals.
    @Test func theTextTargetsAcceptTheirSeeds() throws {
        let workspace = try FuzzWorkspace()
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        let seeds = workspace.root.appendingPathComponent("seeds", isDirectory: true)
        let runs: [(FuzzTarget, (Data, FuzzWorkspace) throws -> Void)] = [
            (.table, TextFuzzing.table), (.vocabulary, TextFuzzing.vocabulary),
            (.corpus, TextFuzzing.corpus),
        ]
        for (target, run) in runs {
            let folder = seeds.appendingPathComponent(target.rawValue, isDirectory: true)
            try workspace.writeSeeds(
                of: target, to: folder, repository: TestPaths.repositoryRoot)
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            #expect(!names.isEmpty)
            for name in names {
                let data = try Data(contentsOf: folder.appendingPathComponent(name))
                #expect(throws: Never.self, "\(target.rawValue) seed \(name)") {
                    try run(data, workspace)
                }
            }
        }
    }

    @Test func regressionInputsRunCleanly() throws {
        let workspace = try FuzzWorkspace()
        defer { try? FileManager.default.removeItem(at: workspace.root) }
        for target in FuzzTarget.allCases {
            for input in Self.inputs(of: target) {
                target.run(try Data(contentsOf: input), in: workspace)
            }
        }
    }
}
