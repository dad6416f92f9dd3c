import GardenModels
import GardenRecipes
import GardenTrain

/// What the benchmarks train, built as `garden train` builds it: the recipe's training
/// examples (`trainAndEvalInputs`: without the held-out split, or all of them when the task
/// has evaluation inputs of its own), model and optimizer, and the trainer's `TrainStep`.
struct RecipeTraining<Task: RecipeTask> {
    let data: InMemoryDataset<Task.Batch>
    let model: Task.Model
    let optimizer: Optimizer
    let step: TrainStep<Task>

    init(_ task: Task, _ recipe: Recipe) throws {
        (data, _) = try task.trainAndEvalInputs()
        model = task.buildModel()
        let (optimizer, learningRate) = OptimizerFactory.make(recipe)
        self.optimizer = optimizer
        step = TrainStep(
            task: task, model: model, optimizer: optimizer, learningRate: learningRate,
            clipNorm: Double(recipe.train.gradientClipNorm), seed: recipe.seed)
    }

    /// For a BERT model, the `encoder_config` field that gives a peer the sizes the recipe
    /// resolves to (the vocabulary comes from the data); none otherwise.
    var encoderConfigFields: [(String, JSONValue)] {
        guard let bert = model as? BertPretrainer else { return [] }
        return [("encoder_config", ExportBenchmark.configJSON(bert.encoder.config))]
    }
}
