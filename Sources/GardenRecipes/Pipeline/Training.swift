import Foundation
import GardenTensor
import GardenTrain

/// `garden train`: builds everything from the recipe and trains into a model directory,
/// resuming from its latest checkpoint.
public enum Training {
    public static func run(_ recipe: Recipe, modelDir: URL, log: @escaping (String) -> Void) throws
        -> TrainSummary
    {
        try BLASKernel.start(threads: recipe.train.threads)
        return try train(recipe.task, recipe, modelDir: modelDir, log: log)
    }

    /// Trains `task`, the task of `recipe`.
    static func train<Task: RecipeTask>(
        _ task: Task, _ recipe: Recipe, modelDir: URL, log: @escaping (String) -> Void
    ) throws -> TrainSummary {
        let (data, evalData) = try task.trainAndEvalInputs()
        let model = task.buildModel()
        if evalData != nil { try checkBestMetric(recipe, metricNames: task.metricNames) }
        let (optimizer, lr) = OptimizerFactory.make(recipe)
        // Before anything is written: a refused init checkpoint leaves no model dir behind.
        let initSource = try InitCheckpoint.initialise(
            task.parameters(of: model), recipe, modelDir: modelDir, log: log)
        try FileManager.default.createDirectory(at: modelDir, withIntermediateDirectories: true)
        let yaml = InitCheckpoint.storedRecipe(recipe, initSource: initSource)
        try writeAtomically(yaml, to: modelDir.appendingPathComponent("recipe.yaml"))
        for file in try task.runFiles() {
            try writeAtomically(file.contents, to: modelDir.appendingPathComponent(file.name))
        }
        var options = TrainerOptions(
            steps: recipe.train.steps, logEvery: recipe.train.logEvery,
            checkpointEvery: recipe.train.checkpointEvery, seed: recipe.seed,
            learningRate: lr, modelDir: modelDir, recipeYAML: yaml)
        options.evalEvery = recipe.train.evalEvery
        options.keepCheckpoints = recipe.train.keepCheckpoints
        options.bestMetric = recipe.train.bestMetric
        options.gradientClipNorm = Double(recipe.train.gradientClipNorm)
        options.initSource = initSource
        let trainer = Trainer(
            task: task, model: model, optimizer: optimizer, data: data, evalData: evalData,
            options: options)
        trainer.log = log
        return try trainer.run()
    }

    /// Fails before any training when `train.best_metric` is not something evaluation reports:
    /// `loss` or one of the task's `metricNames`.
    static func checkBestMetric(_ recipe: Recipe, metricNames: [String]) throws {
        let names = ["loss"] + metricNames
        guard names.contains(recipe.train.bestMetric) else {
            throw recipe.located(
                RecipeError.invalidValue(
                    location: nil, path: "train.best_metric",
                    reason:
                        "must be one of \(names.joined(separator: ", ")), got '\(recipe.train.bestMetric)'"
                ))
        }
    }
}

/// Writes text through a temporary file in the same directory and a rename.
func writeAtomically(_ text: String, to url: URL) throws {
    try writeAtomically(Data(text.utf8), to: url)
}

/// Writes bytes through a temporary file in the same directory and a rename.
func writeAtomically(_ data: Data, to url: URL) throws {
    let tmp = url.deletingLastPathComponent().appendingPathComponent(
        ".\(url.lastPathComponent).tmp-\(getpid())")
    try data.write(to: tmp)
    // rename(2) replaces an existing file in one step: readers never see it missing or partial.
    guard rename(tmp.path, url.path) == 0 else {
        let reason = String(cString: strerror(errno))
        try? FileManager.default.removeItem(at: tmp)
        throw CocoaError(
            .fileWriteUnknown,
            userInfo: [
                NSFilePathErrorKey: url.path,
                NSLocalizedDescriptionKey: "\(url.path): cannot write: \(reason)",
            ])
    }
}
