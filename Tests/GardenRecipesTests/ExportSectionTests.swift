import Foundation
import GardenModels
import Testing
@testable import GardenRecipes

/// `export:` takes the keys of the model's family (`export.type`, which is `model.type`): a
/// key that means nothing for the family is refused as unknown, with the file and key path,
/// and the keys it does take are honoured. Every message is asserted exactly.
@Suite("Export section")
struct ExportSectionTests {
    typealias Case = RecipeErrorTests.InlineCase

    static let refused: [Case] = [
        .init(
            yaml: "model: {type: resnet}\nexport:\n  dropout_rate: 0.2\n",
            expected:
                "r.yaml:3: unknown key 'export.dropout_rate' (valid keys: extract_to, overwrite, type)"
        ),
        .init(
            yaml: "model: {type: mul}\nexport:\n  dropout_rate: 0.2\n",
            expected:
                "r.yaml:3: unknown key 'export.dropout_rate' (valid keys: overwrite, type)"),
        .init(
            yaml: "export:\n  attention_dropout_rate: 0.2\n",
            expected:
                "r.yaml:2: unknown key 'export.attention_dropout_rate' (valid keys: dropout_rate, overwrite, type)"
        ),
        .init(
            yaml: "export:\n  part: encoder\n",
            expected:
                "r.yaml:2: unknown key 'export.part' (valid keys: dropout_rate, overwrite, type)"),
        .init(
            yaml: "export:\n  extract_to: stage1\n",
            expected:
                "r.yaml:2: unknown key 'export.extract_to' (valid keys: dropout_rate, overwrite, type)"
        ),
        .init(
            yaml: "model: {type: resnet}\nexport:\n  part: encoder\n",
            expected:
                "r.yaml:3: unknown key 'export.part' (valid keys: extract_to, overwrite, type)"),
        .init(
            yaml: "model: {type: bert_pretrainer}\nexport:\n  extract_to: stage1\n",
            expected:
                "r.yaml:3: unknown key 'export.extract_to' (valid keys: attention_dropout_rate, dropout_rate, overwrite, part, text_input, type)"
        ),
        .init(
            yaml: "model: {type: resnet}\n", overrides: ["export.dropout_rate=0.2"],
            expected:
                "--set export.dropout_rate=0.2: unknown key 'export.dropout_rate' (valid keys: extract_to, overwrite, type)"
        ),
        .init(
            yaml: "export:\n  type: resnet\n",
            expected:
                "r.yaml:2: 'export.type' must be the model.type (mlp), got 'resnet'"),
        .init(
            yaml: "export:\n  type: rsnet\n",
            expected:
                "r.yaml:2: 'export.type' must be one of mul, mlp, resnet, bert_pretrainer, image_classifier, bert_classifier, got 'rsnet' (did you mean 'resnet'?)"
        ),
        .init(
            yaml: "export: 3\n",
            expected:
                "r.yaml:1: 'export' must be a mapping, got '3'"),
    ]

    /// What the export keys of a family read, written or not.
    @Test func anOmittedTypeIsTheModelsAndOnlyItsKeysAreWritten() throws {
        let recipe = try RecipeLoader.load(
            yaml: "model: {type: resnet}\nexport: null\n", sourceName: "r.yaml")
        #expect(recipe.export.type == "resnet")
        #expect(
            recipe.resolvedYAML().hasSuffix(
                "export:\n  type: resnet\n  overwrite: false\n  extract_to: reduce_mean\n"))
        let written = try RecipeLoader.load(
            yaml: "model: {type: mul}\nexport: {type: mul, overwrite: true}\n", sourceName: "r.yaml"
        )
        #expect(written.export == ExportConfig(type: "mul", overwrite: true))
    }

    /// A layer that changes `model.type` changes the export's family too, so the earlier
    /// layer's export keys (another family's) are replaced, as the one-of merge rule does for
    /// `model:` itself; a layer that sets only export keys keeps the model's family.
    @Test func changingTheModelTypeReplacesTheEarlierExportKeys() throws {
        let recipe = try RecipeLoader.load(
            path: "Recipes/mlp.yaml", overrides: ["model.type=resnet"],
            workingDirectory: TestPaths.repositoryRoot)
        #expect(recipe.export == ExportConfig(type: "resnet"))
        let kept = try RecipeLoader.load(
            path: "Recipes/mlp.yaml", overrides: ["export.overwrite=true"],
            workingDirectory: TestPaths.repositoryRoot)
        #expect(kept.export == ExportConfig(type: "mlp", dropoutRate: 0.1, overwrite: true))
    }

    /// `export.extract_to` in the recipe picks the layer the export cuts at, as `--extract-to`.
    @Test func theRecipesExtractToIsHonoured() throws {
        let recipe = try RecipeLoader.load(
            yaml: """
                model: {type: resnet, input_size: 8, stem_filters: 2, stage_filters: [2, 3], stage_strides: [1, 2], num_classes: 2}
                data: {num_examples: 20, batch_size: 4}
                export: {extract_to: stage1}

                """, sourceName: "r.yaml")
        let part = try ModelFactory.part(recipe)
        #expect((part.model as? ExtractedModel)?.outputLayer == "stage1")
        #expect(part.skippedCheckpointPrefixes == ["stage2/", "reduce_mean/", "fc/"])
        let flag = try ModelFactory.part(recipe, PartSelection(extractTo: "reduce_mean"))
        #expect((flag.model as? ExtractedModel)?.outputLayer == "reduce_mean")
    }

    @Test(arguments: refused)
    func aKeyOutsideTheFamilyIsRefused(_ c: Case) {
        let message = RecipeErrorTests().message {
            try RecipeLoader.load(yaml: c.yaml, sourceName: "r.yaml", overrides: c.overrides)
        }
        #expect(message == c.expected)
    }
}
