import Foundation
import GardenModels
import GardenNN
import GardenTensor
import GardenTrain

/// Sentence (or sentence-pair) classification with `BertClassifier` (Model Garden's
/// `official/nlp/tasks/sentence_prediction.py`): examples from a CSV or TSV table
/// (`SentenceData`), mean softmax cross-entropy plus the regularization loss; metrics
/// `accuracy`, `cross_entropy`, and in evaluation each class's F1 (`f1_0`, `f1_1`, ...: class i
/// is line i of `labels.txt`) over the whole held-out split.
public struct SentenceClassificationTask: RecipeTask {
    public let recipe: Recipe
    public let config: BertClassifier.Config

    public init(recipe: Recipe, config: BertClassifier.Config) {
        self.recipe = recipe; self.config = config
    }

    public func buildInputs() throws -> InMemoryDataset<SentenceBatch> {
        InMemoryDataset(
            try SentenceData.load(recipe, config), batchSize: recipe.data.batchSize,
            seed: UInt64(truncatingIfNeeded: recipe.seed))
    }

    /// The table of `data.eval_path`, when given, labelled with the training table's classes.
    public func buildEvalInputs() throws -> InMemoryDataset<SentenceBatch>? {
        guard let path = recipe.data.evalPath else { return nil }
        return InMemoryDataset(
            try SentenceData.load(recipe, config, evalTable: path),
            batchSize: recipe.data.batchSize, seed: UInt64(truncatingIfNeeded: recipe.seed))
    }

    public var metricNames: [String] {
        (["accuracy", "cross_entropy"] + ClassF1.names(classes: config.numClasses)).sorted()
    }

    public func loss(
        _ model: any GardenModels.Model, on batch: SentenceBatch, _ ctx: ForwardContext
    )
        -> TaskLoss
    {
        let logits = model.call(leaves: batch.modelInputs, ctx).single
        let xent = logits.softmaxCrossEntropy(labels: batch.labels).mean()
        return TaskLoss(
            loss: xent + model.root.regularizationLoss(),
            metrics: ["cross_entropy": xent, "accuracy": accuracy(logits, batch.labels)],
            counts: ClassF1.counts(logits, batch.labels, classes: config.numClasses))
    }

    public func metrics(fromCounts counts: [String: Double]) -> [String: Float] {
        ClassF1.scores(counts, classes: config.numClasses)
    }

    /// `labels.txt` (class i on line i) and the `vocab.txt` the texts were tokenized with.
    public func runFiles() throws -> [(name: String, contents: Data)] {
        [
            ("labels.txt", SentenceData.labelsFile(try SentenceData.classNames(recipe, config))),
            ("vocab.txt", try BertFamily.vocabulary(recipe).fileContents),
        ]
    }
}
