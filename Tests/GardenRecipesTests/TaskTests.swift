import Foundation
import GardenModels
import GardenNN
import GardenTensor
import GardenTestSupport
import GardenTrain
import Testing

@testable import GardenRecipes

/// The number of examples the task of `recipe` builds (its data errors, thrown).
func exampleCount(_ recipe: Recipe) throws -> Int {
    func count<Task: RecipeTask>(_ task: Task) throws -> Int { try task.buildInputs().count }
    return try count(recipe.task)
}

@Suite("Tasks")
struct TaskTests {
    func recipe(_ overrides: [String]) throws -> Recipe {
        try RecipeLoader.load(yaml: "", sourceName: "r.yaml", overrides: overrides)
    }

    /// `v = 2`, `x = [1, 2]`, `y = [3, 3]`: errors `[-1, 1]`, so the mean squared error is 1,
    /// and the regularization `0.001 * 2²` adds 0.004.
    @Test func mulLossIsTheMeanSquaredErrorPlusRegularization() throws {
        let task = try #require(try recipe(["model.type=mul"]).task as? MulTask)
        let model = MulModel(.init(initialValue: 2, regularization: 0.001))
        let batch = SupervisedBatch(
            inputs: Tensor([1, 2], shape: [2]), targets: Tensor([3, 3], shape: [2]))
        let out = task.loss(model, on: batch, ForwardContext(training: false))
        #expect(out.metrics.keys.sorted() == task.metricNames)
        #expect(out.metrics["mse"]?.scalar == 1)
        #expect(Swift.abs(out.loss.scalar - 1.004) < 1e-6)
    }

    /// A logits layer with a zero kernel and bias `[0, ln 3]` gives every row the probabilities
    /// `[1/4, 3/4]`: labels `[0, 1]` cost `-ln(1/4)` and `-ln(3/4)`, and only the second row's
    /// largest logit is at its label.
    @Test func classificationLossIsTheMeanCrossEntropyWithAccuracy() throws {
        let task = try #require(try recipe([]).task as? ClassificationTask)
        let mlp = MLP(
            .init(
                inputSize: 2, hiddenSizes: [], numClasses: 2, dropoutRate: 0,
                kernelRegularizer: .l2(0.5)), initializer: Initializer(seed: 1))
        mlp.logits.kernel.value = Tensor.zeros([2, 2])
        mlp.logits.bias?.value = Tensor([0, Float(log(3.0))], shape: [2])
        let batch = SupervisedBatch(
            inputs: Tensor([0.5, -1, 2, 3], shape: [2, 2]),
            targets: Tensor(int32: [0, 1], shape: [2]))
        let out = task.loss(mlp, on: batch, ForwardContext(training: false))
        let expected = (log(4.0) + log(4.0 / 3.0)) / 2
        #expect(out.metrics.keys.sorted() == task.metricNames)
        #expect(Swift.abs(Double(out.loss.scalar) - expected) < 1e-6)
        #expect(Swift.abs(Double(out.metrics["cross_entropy"]?.scalar ?? .nan) - expected) < 1e-6)
        #expect(out.metrics["accuracy"]?.scalar == 0.5)
    }

    /// Every family's task, on its recipe's first batch: the loss reports exactly the metric
    /// names the task declares (what `train.best_metric` is checked against), and for BERT the
    /// loss is the sum of the two head losses plus the model's regularization.
    @Test func everyTaskReportsTheMetricsItDeclares() throws {
        let small = ["data.num_examples=16", "data.batch_size=4"]
        let recipes = [
            try recipe(["model.type=mul"] + small), try recipe(small),
            try recipe(["model.type=resnet", "model.input_size=8"] + small),
            try recipe(
                [
                    "model.type=bert_pretrainer", "model.hidden_size=8", "model.num_layers=1",
                    "model.num_attention_heads=2", "model.intermediate_size=8",
                    "data.seq_length=16", "data.vocab_size=64",
                ] + small),
        ]
        func check<Task: RecipeTask>(_ task: Task) throws -> TaskLoss {
            let model = task.buildModel()
            let batch = try task.buildInputs().batch(at: 0)
            let out = task.loss(model, on: batch, ForwardContext(training: false))
            #expect(out.metrics.keys.sorted() == task.metricNames, "\(Task.self)")
            #expect(out.loss.scalar.isFinite)
            return out
        }
        for r in recipes { _ = try check(r.task) }
        let bert = try #require(recipes[3].task as? BertPretrainingTask)
        let out = try check(bert)
        let heads =
            (out.metrics["mlm_loss"]?.scalar ?? .nan) + (out.metrics["nsp_loss"]?.scalar ?? .nan)
        let regularization = bert.buildModel().root.regularizationLoss().scalar
        #expect(Swift.abs(out.loss.scalar - heads - regularization) < 1e-4)
    }

    @Test func recipesPickTheirFamilysTask() throws {
        #expect(try recipe(["model.type=mul"]).task is MulTask)
        #expect(try recipe(["model.type=mlp"]).task is ClassificationTask)
        #expect(try recipe(["model.type=resnet"]).task is ImageClassificationTask)
        #expect(try recipe(["model.type=bert_pretrainer"]).task is BertPretrainingTask)
    }

    @Test func aTextCorpusForAClassifierIsRefusedByItsTask() throws {
        var r = try recipe([])
        r.data.source = .text
        #expect(
            errorMessage { try exampleCount(r) }
                == "r.yaml: 'data.source' text needs model.type bert_pretrainer, got mlp")
    }
}
