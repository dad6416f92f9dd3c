import Foundation
import GardenModels
import GardenNN
import GardenTensor
import GardenTestSupport
import GardenTrain
import Testing

@testable import GardenRecipes

/// The `image_classifier` model type: its keys and rules, freezing during training, the
/// initialisation from a `resnet` run, and the parts it exports.
@Suite("Image classifier recipes", .serialized)
struct ImageClassifierRecipeTests {
    static let tiny = """
        model:
          type: image_classifier
          input_size: 8
          stem_filters: 4
          stage_filters: [4, 8]
          stage_strides: [1, 2]
          num_classes: 3
        data:
          num_examples: 24
          batch_size: 8
          eval_fraction: 0
        train:
          steps: 3
          checkpoint_every: 3
          log_every: 1
        """

    let dir = FileManager.default.temporaryDirectory
        .appendingPathComponent("ImageClassifierRecipeTests-\(UUID().uuidString)")

    func load(_ overrides: [String] = [], yaml: String = tiny) throws -> Recipe {
        try RecipeLoader.load(yaml: yaml, sourceName: "r.yaml", overrides: overrides)
    }

    @Test func shippedRecipeFineTunesResNetTinysBackbone() throws {
        let recipe = try RecipeLoader.load(
            path: "Recipes/image_classifier.yaml", workingDirectory: TestPaths.repositoryRoot)
        let resnet = try RecipeLoader.load(
            path: "Recipes/resnet_tiny.yaml", workingDirectory: TestPaths.repositoryRoot)
        guard case .imageClassifier(let c) = recipe.model, case .resnet(let r) = resnet.model
        else {
            Issue.record("expected image_classifier and resnet")
            return
        }
        var pretrained = r
        pretrained.numClasses = 6
        #expect(c.backbone == pretrained)
        #expect(c.backboneOutput == "reduce_mean" && c.dropoutRate == 0.2)
        #expect(c.freeze == ["stem", "stage1"])
        #expect(recipe.train.initCheckpoint == "runs/resnet_tiny")
        #expect(recipe.initCheckpointScope == ["stem/", "stage1/", "stage2/", "stage3/"])
    }

    @Test(arguments: [
        (
            "model.freeze=[stem,stage9]",
            "--set model.freeze=[stem,stage9]: 'model.freeze[1]' must name a backbone layer up to "
                + "model.backbone_output (stem, stage1, stage2), got 'stage9'"
        ),
        (
            "model.backbone_output=fc",
            "--set model.backbone_output=fc: 'model.backbone_output' must name a backbone layer "
                + "(stem, stage1, stage2, reduce_mean), got 'fc'"
        ),
        (
            "model.dropout_rate=1",
            "--set model.dropout_rate=1: 'model.dropout_rate' must be in [0, 1), got 1.0"
        ),
        (
            "model.kernel_regularizer.type=l1",
            "--set model.kernel_regularizer.type=l1: 'model.kernel_regularizer.type' must be l2 "
                + "or none for model.type image_classifier, got l1"
        ),
        (
            "model.freeze=stem",
            "--set model.freeze=stem: 'model.freeze' must be a list of strings, got 'stem'"
        ),
    ])
    func invalidValuesNameTheKey(override: String, expected: String) {
        #expect(errorMessage { try load([override]) } == expected)
    }

    @Test func aFrozenLayerAfterTheCutIsRefusedNamingTheValidOnes() {
        #expect(
            errorMessage { try load(["model.backbone_output=stage1", "model.freeze=[stage2]"]) }
                == "--set model.freeze=[stage2]: 'model.freeze[0]' must name a backbone layer up "
                + "to model.backbone_output (stem, stage1), got 'stage2'")
    }

    /// Trains `overrides` into `dir/name` from fresh values; returns the initial and the final
    /// parameters by path.
    func trainedValues(_ name: String, _ overrides: [String]) throws -> (
        before: [String: [Float]], after: [String: [Float]]
    ) {
        let recipe = try load(overrides)
        let before = ModelFactory.make(recipe).parameters.map {
            ($0.path, $0.parameter.value.floats)
        }
        _ = try Training.run(recipe, modelDir: dir.appendingPathComponent(name), log: { _ in })
        let checkpoint = try Checkpoint.read(
            from: dir.appendingPathComponent("\(name)/checkpoints/ckpt-000003.h5"))
        return (
            Dictionary(uniqueKeysWithValues: before),
            Dictionary(
                uniqueKeysWithValues: checkpoint.variables.map { ($0.path, $0.value.floats) })
        )
    }

    /// After three steps (SGD with momentum and L2, or AdamW with decoupled weight decay), every
    /// variable of `stem` and `stage1`, batch-norm statistics included, is bit-unchanged and
    /// still in the checkpoint; every other variable has moved.
    @Test(arguments: [
        ["train.optimizer.type=sgd", "train.optimizer.momentum=0.9"],
        ["train.optimizer.type=adamw", "train.optimizer.weight_decay=0.1"],
    ])
    func frozenLayersAndTheirStatisticsStayBitIdentical(optimizer: [String]) throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let (before, after) = try trainedValues(
            "frozen", ["model.freeze=[stem,stage1]"] + optimizer)
        #expect(Set(before.keys) == Set(after.keys))
        for (path, old) in before {
            let frozen = path.hasPrefix("stem/") || path.hasPrefix("stage1/")
            #expect((after[path] == old) == frozen, "\(path)")
        }
    }

    /// Frozen layers keep no optimizer slots; a run killed after its step-2 checkpoint and
    /// resumed ends with the same checkpoint bytes as the uninterrupted run.
    @Test func aResumedRunWithFrozenLayersEndsByteIdentical() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let recipe = try load([
            "model.freeze=[stem]", "model.dropout_rate=0.2", "train.steps=4",
            "train.checkpoint_every=2", "train.optimizer.type=sgd", "train.optimizer.momentum=0.9",
        ])
        let (whole, killed) = (
            dir.appendingPathComponent("whole"), dir.appendingPathComponent("killed")
        )
        _ = try Training.run(recipe, modelDir: whole, log: { _ in })
        try FileManager.default.copyItem(at: whole, to: killed)
        let last = "checkpoints/ckpt-000004.h5"
        try FileManager.default.removeItem(at: killed.appendingPathComponent(last))
        _ = try Training.run(recipe, modelDir: killed, log: { _ in })
        #expect(
            try Data(contentsOf: killed.appendingPathComponent(last))
                == Data(contentsOf: whole.appendingPathComponent(last)))
        let slots = try Checkpoint.read(from: whole.appendingPathComponent(last)).optimizerSlots
        #expect(!slots.isEmpty)
        #expect(!slots.contains { $0.name.hasPrefix("stem/") })
    }

    /// A `resnet` checkpoint initialises the backbone up to the cut; the head (new names) stays
    /// fresh, and the resnet's later layers and `fc` are reported as unexpected.
    @Test func aResNetRunInitialisesTheBackboneAndNotTheHead() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let source = dir.appendingPathComponent("resnet")
        let resnet = try RecipeLoader.load(
            yaml: Self.tiny.replacingOccurrences(of: "image_classifier", with: "resnet"),
            sourceName: "resnet.yaml")
        _ = try Training.run(resnet, modelDir: source, log: { _ in })
        let trained = try Checkpoint.read(
            from: source.appendingPathComponent("checkpoints/ckpt-000003.h5"))
        let saved = Dictionary(
            uniqueKeysWithValues: trained.variables.map { ($0.path, $0.value.floats) })

        let recipe = try load([
            "model.backbone_output=stage1", "train.init_checkpoint=\(source.path)",
        ])
        let model = ModelFactory.make(recipe)
        let fresh = model.parameters.map { ($0.path, $0.parameter.value.floats) }
        var lines: [String] = []
        _ = try InitCheckpoint.initialise(
            model.root, recipe, modelDir: dir.appendingPathComponent("tuned"),
            log: { lines.append($0) })
        for ((path, parameter), (_, initial)) in zip(model.parameters, fresh) {
            if path.hasPrefix("head/") {
                #expect(parameter.value.floats == initial, "\(path)")
            } else {
                #expect(parameter.value.floats == saved[path], "\(path)")
            }
        }
        let matched = model.parameters.count - 2
        let report = (lines.last ?? "").split(separator: "\n").map(String.init)
        #expect(
            report.first
                == "restore: \(matched) matched, 2 missing, \(saved.count - matched) unexpected, "
                + "0 shape-mismatched")
        #expect(
            report.filter { $0.contains("missing (in model, not in checkpoint)") }
                == ["head/dense/kernel", "head/dense/bias"].map {
                    "  missing (in model, not in checkpoint): \($0)"
                })
        #expect(report.contains("  unexpected (in checkpoint, not in model): fc/kernel"))
    }

    /// The export is the whole classifier with nothing frozen (a consumer fine-tunes it);
    /// `--extract-to` gives the backbone's feature vector.
    @Test func partsAreTheUnfrozenClassifierOrItsBackbone() throws {
        let recipe = try load(["model.freeze=[stem]", "model.dropout_rate=0.3"])
        let whole = try ModelFactory.part(recipe)
        #expect(whole.model.signature.outputs.single.shape == Shape([-1, 3]))
        #expect(whole.skippedCheckpointPrefixes.isEmpty)
        #expect(
            whole.model.parameters.filter(\.parameter.trainable).count
                == whole.model.parameters.count - 2 * 6)
        #expect(Exporting.dropoutRateVariables(whole.model.root)[.hidden]?.value.floats == [0.3])

        let features = try ModelFactory.part(recipe, PartSelection(extractTo: "reduce_mean"))
        #expect(features.model.signature.outputs.single.shape == Shape([-1, 8]))
        #expect(features.skippedCheckpointPrefixes == ["head/"])
        #expect(
            errorMessage { try ModelFactory.part(recipe, PartSelection(extractTo: "fc")) }
                == "--extract-to fc: No layer named \"fc\" in model \"image_classifier\". Valid "
                + "layer names: stem, stage1, stage2, reduce_mean, head.")
        #expect(
            errorMessage { try ModelFactory.part(recipe, PartSelection(part: "encoder")) }
                == "--part encoder: model.type image_classifier has no part 'encoder'; use "
                + "--extract-to with one of its layers: stem, stage1, stage2, reduce_mean, head")
    }
}
