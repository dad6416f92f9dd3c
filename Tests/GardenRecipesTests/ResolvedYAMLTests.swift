import Foundation
import Testing
@testable import GardenRecipes

@Suite("Resolved YAML")
struct ResolvedYAMLTests {
    static let defaultsYAML = """
        name: empty
        seed: 42
        model:
          type: mlp
          input_size: 4
          hidden_sizes: [32, 32]
          num_classes: 3
          dropout_rate: 0.1
          kernel_regularizer:
            type: l2
            l1: 0.0
            l2: 0.0001
        data:
          source: synthetic
          path: null
          inputs: train/inputs
          labels: train/labels
          num_examples: 1024
          batch_size: 32
          noise: 0.1
          seq_length: 64
          max_predictions_per_seq: 10
          vocab_size: 512
          vocab: null
          eval_fraction: 0.1
          eval_path: null
          text_column: text
          text_b_column: null
          label_column: label
        train:
          steps: 200
          log_every: 10
          checkpoint_every: 100
          threads: 2
          optimizer:
            type: adam
            learning_rate:
              initial_learning_rate: 0.01
              warmup_steps: 0
              decay: constant
              decay_steps: 0
              end_learning_rate: 0.0
              power: 1.0
            beta_1: 0.9
            beta_2: 0.999
            epsilon: 1e-07
          gradient_clip_norm: 0.0
          eval_every: 100
          keep_checkpoints: 3
          best_metric: loss
          init_checkpoint: null
        export:
          type: mlp
          dropout_rate: null
          overwrite: false

        """

    @Test func listsEveryKeyInSchemaOrder() throws {
        #expect(try Recipe.defaults(name: "empty").resolvedYAML() == Self.defaultsYAML)
    }

    static let variants: [[String]] = [
        [],
        ["model.type=mul", "train.optimizer.type=sgd", "export.overwrite=true"],
        ["model.type=bert_pretrainer", "export.attention_dropout_rate=0.3", "export.part=encoder"],
        [
            "model.hidden_sizes=[7, 5, 3]", "model.dropout_rate=0.123456789",
            "model.kernel_regularizer.type=l1l2", "model.kernel_regularizer.l1=3e-9",
        ],
        ["data.source=hdf5", "data.path='yes: no.h5'", "data.inputs=\"a\\tb\"", "name='null'"],
        ["train.optimizer.epsilon=1e-30", "seed=0", "export.overwrite=true"],
        [
            "train.optimizer={type: adamw, weight_decay: 0.02}",
            "train.optimizer.learning_rate={warmup_steps: 5, decay: cosine, end_learning_rate: 1e-4}",
            "train.gradient_clip_norm=1.5", "data.eval_fraction=0", "train.best_metric=accuracy",
        ],
        ["train.optimizer={type: sgd, momentum: 0.9, nesterov: true}"],
        [
            "model.type=resnet", "model.stage_filters=[8, 16]", "model.stage_strides=[1, 2]",
            "export.extract_to=stage2",
        ],
    ]

    @Test(arguments: variants)
    func loadsBackToAnEqualRecipe(overrides: [String]) throws {
        let recipe = try RecipeLoader.load(yaml: "", sourceName: "rt.yaml", overrides: overrides)
        let yaml = recipe.resolvedYAML()
        let reloaded = try RecipeLoader.load(yaml: yaml, sourceName: "other.yaml")
        #expect(reloaded == recipe, "\(yaml)")
        #expect(reloaded.resolvedYAML() == yaml)
    }

    @Test func stringsThatYAMLWouldRetypeAreQuoted() {
        #expect(ConfigEmitter.quoteIfNeeded("mlp") == "mlp")
        #expect(ConfigEmitter.quoteIfNeeded("data/train.h5") == "data/train.h5")
        #expect(ConfigEmitter.quoteIfNeeded("300") == "\"300\"")
        #expect(ConfigEmitter.quoteIfNeeded("yes") == "\"yes\"")
        #expect(ConfigEmitter.quoteIfNeeded("null") == "\"null\"")
        #expect(ConfigEmitter.quoteIfNeeded("a: b") == "\"a: b\"")
        #expect(ConfigEmitter.quoteIfNeeded("") == "\"\"")
        #expect(ConfigEmitter.quoteIfNeeded("tab\there") == "\"tab\\there\"")
    }
}
