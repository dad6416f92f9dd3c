import Foundation
import GardenModels
import Testing
@testable import GardenRecipes

/// Values that used to trap (issue 10, classes 3, 4, 11 and 12): non-finite numbers, sizes
/// beyond any machine, names that are no folder name, and errors that named no file.
@Suite("Hostile recipe values")
struct HostileValueTests {
    func message(_ overrides: [String], yaml: String = "", memoryLimit: Int? = nil) -> String? {
        do {
            let recipe = try RecipeLoader.load(
                yaml: yaml, sourceName: "r.yaml", overrides: overrides,
                memoryLimit: memoryLimit ?? MemoryEstimate.physicalMemory)
            Issue.record("expected an error, loaded \(recipe.name)")
            return nil
        } catch {
            return (error as? LocalizedError)?.errorDescription
        }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var overrides: [String]
        var expected: String
        var testDescription: String { expected }
    }

    static let cases: [Case] = [
        // Class 3: NaN and infinity, and numbers beyond Float's range.
        .init(
            overrides: ["data.eval_fraction=.nan"],
            expected:
                "--set data.eval_fraction=.nan: 'data.eval_fraction' must be a finite number, got '.nan'"
        ),
        .init(
            overrides: ["export.dropout_rate=.inf"],
            expected:
                "--set export.dropout_rate=.inf: 'export.dropout_rate' must be a finite number, got '.inf'"
        ),
        .init(
            overrides: ["model.type=mul", "model.initial_value=-.Inf"],
            expected:
                "--set model.initial_value=-.Inf: 'model.initial_value' must be a finite number, got '-.Inf'"
        ),
        .init(
            overrides: ["train.optimizer.learning_rate.initial_learning_rate=1e39"],
            expected: "--set train.optimizer.learning_rate.initial_learning_rate=1e39: "
                + "'train.optimizer.learning_rate.initial_learning_rate' must be a finite number, got '1e39'"
        ),
        // Class 4: every count is bounded, so no product of two overflows.
        .init(
            overrides: ["data.num_examples=9223372036854775807"],
            expected:
                "--set data.num_examples=9223372036854775807: 'data.num_examples' must be at most 2147483647, got 9223372036854775807"
        ),
        .init(
            overrides: ["model.type=bert_pretrainer", "model.vocab_size=9223372036854775807"],
            expected:
                "--set model.vocab_size=9223372036854775807: 'model.vocab_size' must be at most 2147483647, got 9223372036854775807"
        ),
        .init(
            overrides: ["train.optimizer.learning_rate.warmup_steps=9223372036854775807"],
            expected: "--set train.optimizer.learning_rate.warmup_steps=9223372036854775807: "
                + "'train.optimizer.learning_rate.warmup_steps' must be at most 2147483647, got 9223372036854775807"
        ),
        // Class 12: train.steps near Int.max and absurd thread counts.
        .init(
            overrides: ["train.steps=9223372036854775807"],
            expected:
                "--set train.steps=9223372036854775807: 'train.steps' must be at most 2147483647, got 9223372036854775807"
        ),
        .init(
            overrides: ["train.threads=100000"],
            expected:
                "--set train.threads=100000: 'train.threads' must be between 1 and 256, got 100000"),
        // Class 11: a name is one printable path component.
        .init(
            overrides: [#"name="a\nb""#],
            expected:
                #"--set name="a\nb": 'name' must be a folder name (1 to 255 bytes, no '/' or control characters, not '.' or '..'), got 'a\nb'"#
        ),
        .init(
            overrides: [#"name="a\0b""#],
            expected:
                #"--set name="a\0b": 'name' must be a folder name (1 to 255 bytes, no '/' or control characters, not '.' or '..'), got 'a\x00b'"#
        ),
        .init(
            overrides: ["name=.."],
            expected:
                "--set name=..: 'name' must be a folder name (1 to 255 bytes, no '/' or control characters, not '.' or '..'), got '..'"
        ),
        .init(
            overrides: ["name=" + String(repeating: "n", count: 256)],
            expected:
                "--set name=\(String(repeating: "n", count: 75))... (261 bytes): 'name' must be a folder name (1 to 255 bytes, no '/' or control characters, not '.' or '..'), got '\(String(repeating: "n", count: 80))... (256 bytes)'"
        ),
    ]

    @Test(arguments: cases) func isRefusedWithOneLine(_ c: Case) {
        #expect(message(c.overrides) == c.expected)
    }

    @Test func aModelBeyondMemoryNamesTheKeyAndTheEstimate() {
        // MLP 10^8 -> 32 -> 32 -> 3 with Adam: (10^8 + 1) * 32 + 33 * 32 + 33 * 3 parameters,
        // times value, gradient and two slots of 4 bytes = 51.2 GB; activations 32 rows of
        // (10^8 + 67) floats, 4 tensors each = 51.2 GB; data 1024 rows of 10^8 + 1 floats,
        // twice = 819.2 GB.
        #expect(
            message(["model.input_size=100000000"], memoryLimit: 8_000_000_000)
                == "--set model.input_size=100000000: 'model.input_size' makes training need about 921.6 GB "
                + "(parameters and optimizer 51.2 GB, activations of one step 51.2 GB, data 819.2 GB), "
                + "more than this machine's 8.0 GB of memory")
    }

    @Test func theEstimateOfAResNetImageSizeNamesTheImageSize() {
        let text = message(
            [
                "model.type=resnet", "model.input_size=100000", "data.num_examples=64",
                "data.batch_size=8",
            ],
            memoryLimit: 8_000_000_000)
        #expect(
            text?.hasPrefix(
                "--set model.input_size=100000: 'model.input_size' makes training need about ")
                == true)
        #expect(text?.hasSuffix("more than this machine's 8.0 GB of memory") == true)
    }

    @Test func theShippedRecipesFitInTwoGigabytes() throws {
        for name in ["mul", "mlp", "resnet_tiny", "bert_tiny"] {
            let path = TestPaths.repositoryRoot.appendingPathComponent("Recipes/\(name).yaml").path
            let recipe = try RecipeLoader.load(path: path)
            #expect(MemoryEstimate(recipe).total < 2_000_000_000, "\(name)")
            try recipe.validate(memoryLimit: 2_000_000_000)
        }
    }

    @Test func checkedArithmeticSaturates() {
        #expect(checkedProduct(Int.max / 2, 3) == Int.max)
        #expect(checkedSum(Int.max, 1) == Int.max)
        #expect(checkedProduct(6, 7) == 42)
        #expect(MemoryEstimate.describe(Int.max) == "more than 9.2 EB")
        #expect(MemoryEstimate.describe(1_500) == "1.5 KB")
    }

    @Test func anUnknownBestMetricNamesTheLineThatSetIt() throws {
        let recipe = try RecipeLoader.load(
            yaml: "data: {num_examples: 64, batch_size: 8}\ntrain:\n  best_metric: nope\n",
            sourceName: "r.yaml")
        #expect(
            throws: RecipeError.invalidValue(
                location: ConfigLocation(.file("r.yaml"), line: 3), path: "train.best_metric",
                reason: "must be one of loss, accuracy, cross_entropy, got 'nope'")
        ) {
            try Training.checkBestMetric(recipe, metricNames: recipe.task.metricNames)
        }
    }

    @Test func partAndExtractToErrorsNameTheArgument() throws {
        let recipe = try RecipeLoader.load(yaml: "", sourceName: "r.yaml")
        #expect(
            throws: PartError(
                "--part encoder: model.type mlp has no part 'encoder' (it exports as a whole; omit --part)"
            )
        ) {
            try ModelFactory.part(recipe, PartSelection(part: "encoder"))
        }
        #expect(
            throws: PartError(
                "--extract-to fc: model.type mlp has no named layer 'fc' to extract to (omit --extract-to)"
            )
        ) {
            try ModelFactory.part(recipe, PartSelection(extractTo: "fc"))
        }
    }
}
