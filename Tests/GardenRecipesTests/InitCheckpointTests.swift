import Foundation
import GardenTrain
import Testing

@testable import GardenRecipes

/// `train.init_checkpoint` on small ResNets: the backbone comes from the source run, a head of
/// another class count stays fresh, the source is recorded, resume ignores it, and refusals
/// are one line that leaves no model dir.
@Suite("Init checkpoint", .serialized)
struct InitCheckpointTests {
    static let small = [
        "model.input_size=8", "model.stage_filters=[4,8]", "model.stage_strides=[1,2]",
        "model.stem_filters=4", "data.num_examples=16", "data.batch_size=4",
        "train.log_every=1", "data.eval_fraction=0",
    ]

    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("InitCheckpointTests-\(UUID().uuidString)")

    func recipe(_ overrides: [String]) throws -> Recipe {
        try RecipeLoader.load(
            path: TestPaths.repositoryRoot.appendingPathComponent("Recipes/resnet_tiny.yaml").path,
            overrides: Self.small + overrides)
    }

    /// Trains into `dir/name`; returns the lines logged.
    @discardableResult
    func train(_ name: String, _ overrides: [String]) throws -> [String] {
        var lines: [String] = []
        _ = try Training.run(
            try recipe(overrides), modelDir: dir.appendingPathComponent(name),
            log: { lines.append($0) })
        return lines
    }

    func checkpoint(_ name: String, step: Int) throws -> Checkpoint {
        try Checkpoint.read(
            from: dir.appendingPathComponent(
                "\(name)/checkpoints/\(Checkpoint.fileName(step: step))"))
    }

    func values(_ c: Checkpoint, under prefix: String) -> [String: [Float]] {
        Dictionary(
            uniqueKeysWithValues: c.variables.filter {
                $0.path.hasPrefix(prefix) && !$0.path.contains("/moving_")
            }.map {
                ($0.path, $0.value.floats)
            })
    }

    @Test func backboneComesFromTheSourceAndAHeadOfAnotherShapeStaysFresh() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try train("source", ["train.steps=2"])
        let sourceFile = dir.appendingPathComponent("source/checkpoints/ckpt-000002.h5")
        // A learning rate far below float32's resolution: step 1 changes no weight, so the
        // first checkpoint shows the initial ones (batch-norm moving statistics do move).
        let tuned = [
            "model.num_classes=5", "train.steps=1",
            "train.optimizer.learning_rate.initial_learning_rate=1e-30",
        ]
        let log = try train(
            "tuned", tuned + ["train.init_checkpoint=\(dir.appendingPathComponent("source").path)"])
        try train("scratch", tuned)
        let source = try checkpoint("source", step: 2)
        let tunedCkpt = try checkpoint("tuned", step: 1)
        let scratch = try checkpoint("scratch", step: 1)
        for prefix in ["stem/", "stage1/", "stage2/"] {
            #expect(values(tunedCkpt, under: prefix) == values(source, under: prefix))
            #expect(values(tunedCkpt, under: prefix) != values(scratch, under: prefix))
        }
        #expect(values(tunedCkpt, under: "fc/") == values(scratch, under: "fc/"))
        #expect(source.initSource == nil)
        let sha = SHA256.hex(try Data(contentsOf: sourceFile))
        let recorded = CheckpointSource(path: sourceFile.path, sha256: sha)
        #expect(tunedCkpt.initSource == recorded)
        #expect(log.contains("train.init_checkpoint: \(sourceFile.path) (sha256 \(sha))"))
        let count = source.variables.count - 2
        #expect(
            log.contains(
                """
                restore: \(count) matched, 0 missing, 0 unexpected, 2 shape-mismatched
                  shape mismatch: fc/kernel: checkpoint [8, 10], model [8, 5]
                  shape mismatch: fc/bias: checkpoint [10], model [5]
                """))
        let yaml = try String(
            contentsOf: dir.appendingPathComponent("tuned/recipe.yaml"), encoding: .utf8)
        #expect(yaml.hasSuffix("\n# init_checkpoint_sha256: \(sha)\n"))
        #expect(yaml.contains("init_checkpoint: \(dir.appendingPathComponent("source").path)"))
        #expect(yaml == tunedCkpt.recipe)
        let inspected = try Inspection.describeCheckpoint(
            dir.appendingPathComponent("tuned/checkpoints/ckpt-000001.h5"))
        #expect(inspected.contains("\ninit_checkpoint: \(sourceFile.path) (sha256 \(sha))\n"))
    }

    /// The export's recipe hash covers the init checkpoint's hash, as the run's stored recipe
    /// does: the card says the checkpoint was trained with this recipe, and the run's
    /// evaluation is found.
    @Test func theModelCardOfAnInitRunMatchesItsTrainingRecipe() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try train("source", ["train.steps=2"])
        let tuned = try recipe([
            "train.steps=2", "data.eval_fraction=0.25", "train.eval_every=2",
            "train.init_checkpoint=\(dir.appendingPathComponent("source").path)",
        ])
        let run = dir.appendingPathComponent("tuned")
        _ = try Training.run(tuned, modelDir: run, log: { _ in })
        let out = dir.appendingPathComponent("export")
        try Exporting.run(
            tuned, checkpoint: run.appendingPathComponent("checkpoints"), out: out,
            overwrite: false, log: { _ in })
        let card = try String(
            contentsOf: out.appendingPathComponent("assets.extra/README.md"), encoding: .utf8)
        let stored = try String(
            contentsOf: run.appendingPathComponent("recipe.yaml"), encoding: .utf8)
        #expect(
            card.contains(
                "- Recipe SHA-256 (resolved recipe of this export): `\(SHA256.hex(stored))`"))
        #expect(card.contains("- The checkpoint was trained with this same recipe.\n"))
        #expect(!card.contains("Recipe SHA-256 stored in the checkpoint"))
    }

    @Test func resumeContinuesFromTheRunsOwnCheckpointByteIdentically() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try train("source", ["train.steps=2"])
        let source = dir.appendingPathComponent("source/checkpoints/ckpt-000002.h5").path
        let run = ["train.steps=3", "train.checkpoint_every=1", "train.init_checkpoint=\(source)"]
        try train("whole", run)
        try train("killed", run)
        let killed = dir.appendingPathComponent("killed/checkpoints")
        for step in [2, 3] {
            try FileManager.default.removeItem(
                at: killed.appendingPathComponent(Checkpoint.fileName(step: step)))
        }
        // The source is gone: a resumed run must not need it.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("source"))
        let log = try train("killed", run)
        #expect(log.contains { $0.hasPrefix("resumed from ") })
        #expect(!log.contains { $0.hasPrefix("restore: ") })
        for name in ["checkpoints/ckpt-000003.h5", "recipe.yaml", "metrics.jsonl"] {
            let whole = try Data(contentsOf: dir.appendingPathComponent("whole/\(name)"))
            let resumed = try Data(
                contentsOf: killed.deletingLastPathComponent().appendingPathComponent(name))
            #expect(whole == resumed, "\(name) differs")
        }
    }

    @Test func checkpointsWithoutTheAttributesStillRead() throws {
        let fixtures = TestPaths.testsFolder.deletingLastPathComponent()
            .appendingPathComponent("GardenTrainTests/Fixtures")
        for version in 1...3 {
            let file = fixtures.appendingPathComponent("checkpoint-v\(version).h5")
            #expect(try Checkpoint.read(from: file).initSource == nil)
        }
    }

    /// Runs `overrides` into `dir/refused` expecting `message`, and checks nothing was written.
    func expectRefusal(_ overrides: [String], _ message: String) throws {
        let error = #expect(throws: InitCheckpointError.self) {
            try train("refused", overrides)
        }
        #expect(error?.localizedDescription == message)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("refused").path))
    }

    @Test func refusalsAreOneLineNamingTheKeyAndTheFile() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("missing.h5").path
        try expectRefusal(
            ["train.init_checkpoint=\(missing)"],
            "train.init_checkpoint '\(missing)': \(missing): no such checkpoint file or directory")
        let text = dir.appendingPathComponent("text.h5")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("not a checkpoint\n".utf8).write(to: text)
        try expectRefusal(
            ["train.init_checkpoint=\(text.path)"],
            "train.init_checkpoint '\(text.path)': \(text.path): not an HDF5 file (or truncated)")
        try train("source", ["train.steps=1"])
        let file = dir.appendingPathComponent("source/checkpoints/ckpt-000001.h5").path
        try expectRefusal(
            ["train.init_checkpoint=\(file)", "model.stem_filters=8"],
            "train.init_checkpoint: \(file): variable 'stem/conv/kernel' has shape [3, 3, 3, 4] in the checkpoint but [3, 3, 3, 8] in the model"
        )
        let mlp = try RecipeLoader.load(
            path: TestPaths.repositoryRoot.appendingPathComponent("Recipes/mlp.yaml").path,
            overrides: [
                "train.steps=1", "data.num_examples=8", "data.batch_size=4",
                "data.eval_fraction=0",
            ])
        _ = try Training.run(mlp, modelDir: dir.appendingPathComponent("mlp"), log: { _ in })
        let mlpFile = dir.appendingPathComponent("mlp/checkpoints/ckpt-000001.h5").path
        try expectRefusal(
            ["train.init_checkpoint=\(mlpFile)"],
            "train.init_checkpoint: \(mlpFile): no variable matches the model's stem/, stage1/, stage2/ by path"
        )
    }
}
