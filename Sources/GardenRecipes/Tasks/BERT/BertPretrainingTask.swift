import Foundation
import GardenModels
import GardenNN
import GardenTensor
import GardenTrain

/// BERT pre-training (Model Garden's `official/nlp/tasks/masked_lm.py` with next-sentence
/// prediction): examples made from a text corpus by `PretrainingData`, and the masked-LM plus
/// next-sentence losses of `BertPretrainer`.
public struct BertPretrainingTask: RecipeTask {
    public let recipe: Recipe
    public let config: BertPretrainer.Config

    public init(recipe: Recipe, config: BertPretrainer.Config) {
        self.recipe = recipe; self.config = config
    }

    /// The pre-training examples of the corpus (see `BertFamily.paragraphs`), tokenized with
    /// the recipe's vocabulary.
    public func buildInputs() throws -> InMemoryDataset<PretrainingBatch> {
        let corpus = try BertFamily.paragraphs(recipe)
        let vocab = try BertFamily.vocabulary(recipe, paragraphs: corpus)
        // Masking replaces 10% of the chosen tokens with a random ordinary token, and there
        // must be one to draw.
        if vocab.count <= Vocabulary.specialTokens.count {
            throw DataError.unusable(
                file: recipe.data.vocab ?? "data.vocab_size",
                reason: "the vocabulary holds only the special tokens ("
                    + Vocabulary.specialTokens.joined(separator: ", ")
                    + "), expected at least one word piece besides them")
        }
        let rows = BertFamily.vocabSize(recipe, config.encoder)
        if vocab.count > rows {
            throw VocabularyError.tooLarge(
                source: recipe.data.vocab ?? "data.vocab_size", count: vocab.count, limit: rows)
        }
        let tokenizer = WordPieceTokenizer(
            vocabulary: vocab, doLowerCase: BertFamily.doLowerCase)
        let ids = tokenizer.ids(ofParagraphs: corpus)
        let seed = UInt64(truncatingIfNeeded: recipe.seed)
        let maker = PretrainingData(
            seqLength: recipe.data.seqLength,
            maxPredictions: recipe.data.maxPredictionsPerSeq, seed: seed)
        let examples = maker.examples(
            count: recipe.data.numExamples, paragraphs: ids, vocabulary: vocab)
        // `examples` makes none (for a positive count) only when no sentence of the corpus has
        // a token: its lines hold nothing but spaces, control characters and accents.
        if examples.isEmpty {
            throw DataError.unusable(
                file: recipe.data.path ?? "data.path",
                reason:
                    "the text corpus has no tokens once BERT's basic tokenizer drops spaces, control characters and accents; expected words (data.path)"
            )
        }
        return PretrainingData.dataset(examples, batchSize: recipe.data.batchSize, seed: seed)
    }

    public var metricNames: [String] { ["mlm_accuracy", "mlm_loss", "nsp_accuracy", "nsp_loss"] }

    /// Masked-LM weighted cross-entropy + next-sentence cross-entropy + regularization, with
    /// metrics `mlm_loss`, `mlm_accuracy` (weighted), `nsp_loss`, `nsp_accuracy`.
    public func loss(
        _ model: any GardenModels.Model, on batch: PretrainingBatch, _ ctx: ForwardContext
    )
        -> TaskLoss
    {
        let outputs = model.call(leaves: batch.modelInputs, ctx)
        let (mlmLogits, nspLogits) = (outputs["mlm_logits"], outputs["next_sentence_logits"])
        let (ids, weights) = (batch.maskedLMIds, batch.maskedLMWeights)
        let mlm = mlmLogits.softmaxCrossEntropy(labels: ids, weights: weights)
        let nsp = nspLogits.softmaxCrossEntropy(labels: batch.nextSentenceLabels).mean()
        let metrics = [
            "mlm_loss": mlm, "mlm_accuracy": weightedAccuracy(mlmLogits, ids, weights),
            "nsp_loss": nsp, "nsp_accuracy": accuracy(nspLogits, batch.nextSentenceLabels),
        ]
        return TaskLoss(loss: mlm + nsp + model.root.regularizationLoss(), metrics: metrics)
    }
}
