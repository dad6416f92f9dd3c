import Foundation
import GardenFuzzTargets
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
