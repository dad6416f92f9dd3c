import Foundation
import GardenModels
import GardenNN
import GardenTrain

/// A model family's training task as a recipe describes it: the recipe's model
/// (`ModelFactory`), the examples of its `data:` section, and the family's loss and metrics.
/// `Recipe.task` picks the task of a recipe's `model.type`.
public protocol RecipeTask: TrainingTask where Model == any GardenModels.Model {
    var recipe: Recipe { get }
    /// Files the run writes into its model directory besides `recipe.yaml` (a classifier's
    /// `labels.txt`), by name.
    func runFiles() throws -> [(name: String, contents: Data)]
    /// The evaluation examples when the recipe names them apart (`data.eval_path`); nil when
    /// `data.eval_fraction` splits them off `buildInputs`.
    func buildEvalInputs() throws -> InMemoryDataset<Batch>?
}

extension RecipeTask {
    public func buildModel() -> any GardenModels.Model { ModelFactory.make(recipe) }

    public func parameters(of model: any GardenModels.Model) -> Module { model.root }

    public func runFiles() throws -> [(name: String, contents: Data)] { [] }

    public func buildEvalInputs() throws -> InMemoryDataset<Batch>? { nil }

    /// The training and evaluation examples: `buildEvalInputs` when given, else
    /// `data.eval_fraction`'s split of `buildInputs`.
    public func trainAndEvalInputs() throws -> (InMemoryDataset<Batch>, InMemoryDataset<Batch>?) {
        let all = try buildInputs()
        if let heldOut = try buildEvalInputs() { return (all, heldOut) }
        return all.split(heldOut: recipe.data.evalExamples(of: all.count))
    }
}

extension Recipe {
    /// The task that trains this recipe's model.
    public var task: any RecipeTask {
        switch model {
        case .mul: return MulTask(recipe: self)
        case .mlp(let config): return ClassificationTask(recipe: self, config: config)
        case .resnet(let config): return ImageClassificationTask(recipe: self, config: config)
        case .bertPretrainer(let config): return BertPretrainingTask(recipe: self, config: config)
        case .imageClassifier(let config):
            return ImageClassificationTask(recipe: self, config: config.backbone)
        case .bertClassifier(let config):
            return SentenceClassificationTask(recipe: self, config: config)
        }
    }
}
