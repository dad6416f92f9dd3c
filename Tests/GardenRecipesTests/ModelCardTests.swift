import Foundation
import Testing
@testable import GardenRecipes

/// The model card (`assets.extra/README.md`) of real exports. The mul card is compared with a
/// reviewed snapshot; `RECORD_SNAPSHOTS=1 swift test --filter ModelCard` rewrites it and fails
/// once so that the diff gets reviewed.
@Suite("Model card", .serialized)
struct ModelCardTests {
    static let snapshot = TestPaths.fixtures.appendingPathComponent("model_cards/mul.md")
    static let build = BuildInfo(version: "0.14.0", commit: nil)

    /// Trains `recipe` in a scratch model dir and exports it from `checkpoint` (relative to the
    /// model dir; default its checkpoints directory); returns the card's text.
    static func card(
        _ recipe: String, _ overrides: [String], from checkpoint: String = "checkpoints",
        build: BuildInfo = build
    ) throws -> String {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("ModelCardTests-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try RecipeLoader.load(
            path: TestPaths.repositoryRoot.appendingPathComponent("Recipes/\(recipe)").path,
            overrides: overrides)
        let model = dir.appendingPathComponent("model")
        _ = try Training.run(r, modelDir: model, log: { _ in })
        var source = model.appendingPathComponent(checkpoint)
        if checkpoint.hasPrefix("/") {  // a checkpoint copied out of its run directory
            let names = try FileManager.default.contentsOfDirectory(
                atPath: model.appendingPathComponent("checkpoints").path)
            let latest = try #require(names.sorted().last)
            source = dir.appendingPathComponent("loose.h5")
            try FileManager.default.copyItem(
                at: model.appendingPathComponent("checkpoints/\(latest)"), to: source)
        }
        let out = dir.appendingPathComponent("export")
        try Exporting.run(
            r, checkpoint: source, out: out, overwrite: false, build: build, log: { _ in })
        let text = try String(
            contentsOf: out.appendingPathComponent("assets.extra/README.md"), encoding: .utf8)
        return text
    }

    static let mulOverrides = ["train.steps=4", "train.eval_every=2", "seed=3"]

    @Test func theMulCardEqualsItsReviewedSnapshot() throws {
        let text = try Self.card("mul.yaml", Self.mulOverrides)
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try text.write(to: Self.snapshot, atomically: true, encoding: .utf8)
            Issue.record("recorded \(Self.snapshot.path); review the diff")
            return
        }
        let expected = try String(contentsOf: Self.snapshot, encoding: .utf8)
        #expect(text == expected)
    }

    @Test func theSameCheckpointAndRecipeGiveTheSameCardAndTheCommitIsNamedWhenKnown() throws {
        let a = try Self.card("mul.yaml", Self.mulOverrides)
        let b = try Self.card(
            "mul.yaml", Self.mulOverrides,
            build: BuildInfo(version: "0.14.0", commit: "0123abcd"))
        #expect(a.replacingOccurrences(of: "unknown commit", with: "commit 0123abcd") == b)
        #expect(a.hasSuffix("- Made by SwiftGarden 0.14.0, unknown commit\n"))
    }

    @Test func aCheckpointOutsideItsRunSaysItHasNoMetricsAndAdamWDecayIsNamed() throws {
        let text = try Self.card(
            "mlp.yaml", ["train.steps=3", "train.optimizer={type: adamw, weight_decay: 0.01}"],
            from: "/loose")
        #expect(
            text.contains(
                "No evaluation metrics are recorded for this checkpoint: it is not in a run's `checkpoints/` directory, so there is no `metrics.jsonl`.\n"
            ))
        #expect(
            text.contains(
                "- Not in the export (lives in the optimizer, add it yourself):\n  - "
                    + ExportNotes.warnings(
                        try RecipeLoader.load(
                            path: TestPaths.repositoryRoot.appendingPathComponent(
                                "Recipes/mlp.yaml"
                            ).path,
                            overrides: ["train.optimizer={type: adamw, weight_decay: 0.01}"]))[0]))
        #expect(text.contains("| `inputs` | float32 | `[None, 4]` |\n"))
        #expect(text.contains("| `output_0` | float32 | `[None, 3]` |\n"))
        #expect(text.contains("- Dropout: rate 0.1 in 2 layers, active only with `training=True`."))
    }

    @Test func theCommitComesFromTheEnvironmentOnlyWhenItIsAHexId() {
        #expect(BuildInfo.current([:]).commit == nil)
        #expect(BuildInfo.current(["SWIFTGARDEN_COMMIT": "5c9bea2"]).commit == "5c9bea2")
        #expect(BuildInfo.current(["SWIFTGARDEN_COMMIT": "main; rm -rf"]).commit == nil)
        #expect(
            BuildInfo(commit: nil).description
                == "SwiftGarden \(BuildInfo.releaseVersion), unknown commit")
    }
}
