import Foundation
import GardenHDF5
import GardenModels
import GardenNN
import GardenTensor
import GardenTrain
import GardenTestSupport
import Testing
@testable import GardenRecipes

/// The `resnet` model type: its recipe keys and rules, the extracted export part, its data.
@Suite("ResNet recipes")
struct ResNetRecipeTests {
    static let tiny = "model:\n  type: resnet\n  input_size: 8\n"

    func load(_ yaml: String = tiny, _ overrides: [String] = []) throws -> Recipe {
        try RecipeLoader.load(yaml: yaml, sourceName: "r.yaml", overrides: overrides)
    }

    func message(_ body: () throws -> Any) -> String? { errorMessage(body) }

    @Test func shippedRecipeIsTheIssueFourClassifier() throws {
        let recipe = try RecipeLoader.load(
            path: "Recipes/resnet_tiny.yaml", workingDirectory: TestPaths.repositoryRoot)
        #expect(
            recipe.model
                == .resnet(
                    ResNetClassifier.Config(
                        inputSize: 32, inputChannels: 3, stemFilters: 16,
                        stageFilters: [16, 32, 64], stageStrides: [1, 2, 2], blocksPerStage: 1,
                        numClasses: 10,
                        kernelRegularizer: Regularizer(kind: .l2, l1: 0, l2: 1e-4))))
        #expect(recipe.export.extractTo == "reduce_mean")
        guard case .sgd(let sgd) = recipe.train.optimizer else {
            Issue.record("expected sgd")
            return
        }
        #expect(sgd.momentum == 0.9)
    }

    @Test(arguments: [
        (
            "export.extract_to=pool",
            "--set export.extract_to=pool: 'export.extract_to' must name a layer of the model (stem, stage1, stage2, "
                + "stage3, reduce_mean, fc), got 'pool'"
        ),
        (
            "model.stage_strides=[1,2]",
            "--set model.stage_strides=[1,2]: 'model.stage_strides' must have one stride per stage (3, as "
                + "model.stage_filters), got 2"
        ),
        (
            "model.kernel_regularizer.type=l1",
            "--set model.kernel_regularizer.type=l1: 'model.kernel_regularizer.type' must be l2 "
                + "or none for model.type resnet, got l1"
        ),
    ])
    func invalidValuesNameTheKey(override: String, expected: String) {
        #expect(message { try load(Self.tiny, [override]) } == expected)
    }

    @Test func partIsTheClassifierUpToTheNamedLayer() throws {
        let recipe = try load()
        let part = try ModelFactory.part(recipe)
        #expect(part.model.signature.outputs.single.shape == Shape([-1, 64]))
        #expect(part.model.signature.inputs.single.shape == Shape([-1, -1, -1, 3]))
        #expect(!part.model.parameters.contains { $0.path.hasPrefix("fc/") })
        #expect(part.skippedCheckpointPrefixes == ["fc/"])
        #expect(part.model.root.allRegularizers().count == 9)

        let stage2 = try ModelFactory.part(recipe, PartSelection(extractTo: "stage2"))
        #expect(stage2.skippedCheckpointPrefixes == ["stage3/", "reduce_mean/", "fc/"])
        #expect(stage2.model.signature.outputs.single.shape == Shape([-1, -1, -1, 32]))
    }

    @Test func unknownExtractToListsTheLayers() throws {
        let recipe = try load()
        #expect(
            message { try ModelFactory.part(recipe, PartSelection(extractTo: "stage9")) }
                == "--extract-to stage9: No layer named \"stage9\" in model \"resnet\". Valid layer names: stem, "
                + "stage1, stage2, stage3, reduce_mean, fc.")
        #expect(
            message { try ModelFactory.part(recipe, PartSelection(part: "encoder")) }
                == "--part encoder: model.type resnet has no part 'encoder'; use --extract-to with one of its "
                + "layers: stem, stage1, stage2, stage3, reduce_mean, fc")
    }

    @Test func syntheticStripesAreDeterministicImagesWithEveryClass() {
        let (x, y) = SyntheticData.stripes(
            count: 200, size: 8, channels: 3, classes: 10, noise: 0.1, seed: 3)
        let (x2, y2) = SyntheticData.stripes(
            count: 200, size: 8, channels: 3, classes: 10, noise: 0.1, seed: 3)
        #expect(x.shape == [200, 8, 8, 3] && y.shape == [200])
        #expect(x.floats == x2.floats && y.int32s == y2.int32s)
        #expect(Set(y.int32s) == Set(0..<10))
        let other = SyntheticData.stripes(
            count: 200, size: 8, channels: 3, classes: 10, noise: 0.1, seed: 4)
        #expect(other.0.floats != x.floats)
    }

    @Test func hdf5ImagesAreScaledAndCheckedByFileAndDataset() throws {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("resnet-recipe-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("imgs.h5")
        try HDF5File.atomicallyWrite(to: file) { f in
            try f.write(
                [UInt8](repeating: 255, count: 2 * 4 * 5 * 3), shape: [2, 4, 5, 3], at: "images")
            try f.write([Int32(1), 7], shape: [2], at: "labels")
            try f.write([Int32(1), 12], shape: [2], at: "big")
            try f.write([Float](repeating: 0, count: 2 * 4 * 5), shape: [2, 4, 5], at: "gray")
        }
        func recipe(_ inputs: String, _ labels: String) throws -> Recipe {
            try load(
                Self.tiny,
                [
                    "data.source=hdf5", "data.path=\(file.path)",
                    "data.inputs=\(inputs)", "data.labels=\(labels)",
                    "data.batch_size=2", "data.eval_fraction=0",
                ])
        }
        func images(_ recipe: Recipe) throws -> SupervisedBatch {
            let task = try #require(recipe.task as? ImageClassificationTask)
            return try task.buildInputs().examples
        }
        let data = try images(try recipe("images", "labels"))
        #expect(data.inputs.shape == [2, 4, 5, 3])
        #expect(data.inputs.floats.allSatisfy { $0 == 1 })
        #expect(data.targets.int32s == [1, 7])
        #expect(
            message { try images(try recipe("images", "big")) }
                == "\(file.path): dataset 'big' has label 12, expected 0..<10 (model.num_classes)")
        #expect(
            message { try images(try recipe("gray", "labels")) }
                == "\(file.path): dataset 'gray' has shape [2, 4, 5], expected "
                + "[n, height, width, 3] (model.input_channels)")
    }
}
