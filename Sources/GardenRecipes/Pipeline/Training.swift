import Foundation
import GardenModels
import GardenTensor
import GardenTrain

/// `garden train`: builds everything from the recipe and trains into a model directory,
/// resuming from its latest checkpoint.
public enum Training {
    public static func run(_ recipe: Recipe, modelDir: URL, log: @escaping (String) -> Void) throws -> TrainSummary {
        BLAS.setThreads(recipe.train.threads)
        let data = try DataFactory.make(recipe)
        let model = ModelFactory.make(recipe)
        let (optimizer, lr) = OptimizerFactory.make(recipe)
        try FileManager.default.createDirectory(at: modelDir, withIntermediateDirectories: true)
        let yaml = recipe.resolvedYAML()
        try writeAtomically(yaml, to: modelDir.appendingPathComponent("recipe.yaml"))
        let options = TrainerOptions(
            steps: recipe.train.steps, logEvery: recipe.train.logEvery,
            checkpointEvery: recipe.train.checkpointEvery, seed: recipe.seed,
            learningRate: lr, modelDir: modelDir, recipeYAML: yaml)
        let trainer = Trainer(model: model, optimizer: optimizer, data: data, options: options)
        trainer.log = log
        return try trainer.run()
    }
}

/// Writes text through a temporary file in the same directory and a rename.
func writeAtomically(_ text: String, to url: URL) throws {
    let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
    try Data(text.utf8).write(to: tmp)
    if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
    try FileManager.default.moveItem(at: tmp, to: url)
}
