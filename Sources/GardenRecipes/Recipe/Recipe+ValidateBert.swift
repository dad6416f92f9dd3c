import Foundation
import GardenModels

extension Recipe {
    /// The cross-field rules of the BERT family (model, data and export keys together).
    func validateBert(_ c: BertEncoder.Config, into rules: inout RecipeRules) {
        if let v = c.vocabSize {
            rules.positive("model.vocab_size", v)
            if data.vocab == nil && data.vocabSize > v {
                rules.fail(
                    "data.vocab_size",
                    "must be at most model.vocab_size (\(v)), got \(data.vocabSize)")
            }
        }
        rules.positive("model.hidden_size", c.hiddenSize)
        rules.positive("model.num_layers", c.numLayers)
        rules.positive("model.num_attention_heads", c.numAttentionHeads)
        if c.numAttentionHeads > 0 && c.hiddenSize % c.numAttentionHeads != 0 {
            rules.fail(
                "model.hidden_size",
                "must be divisible by model.num_attention_heads (\(c.numAttentionHeads)), got \(c.hiddenSize)"
            )
        }
        rules.positive("model.intermediate_size", c.intermediateSize)
        rules.positive("model.max_sequence_length", c.maxSequenceLength)
        rules.positive("model.type_vocab_size", c.typeVocabSize)
        if c.typeVocabSize < 2 {
            rules.fail(
                "model.type_vocab_size",
                "must be at least 2 (sentence pairs use segments 0 and 1), got \(c.typeVocabSize)")
        }
        rules.rate("model.dropout_rate", c.dropoutRate)
        rules.rate("model.attention_dropout_rate", c.attentionDropoutRate)
        rules.positive("model.initializer_range", c.initializerRange)
        rules.nonNegative("model.kernel_regularizer.l1", c.kernelRegularizer.l1)
        rules.nonNegative("model.kernel_regularizer.l2", c.kernelRegularizer.l2)

        if data.seqLength < 8 {
            rules.fail("data.seq_length", "must be at least 8, got \(data.seqLength)")
        }
        if data.seqLength > c.maxSequenceLength {
            rules.fail(
                "data.seq_length",
                "must be at most model.max_sequence_length (\(c.maxSequenceLength)), got \(data.seqLength)"
            )
        }
        rules.positive("data.max_predictions_per_seq", data.maxPredictionsPerSeq)
        if data.vocab == nil && data.vocabSize < 64 {
            rules.fail(
                "data.vocab_size",
                "must be at least 64 (special tokens and characters), got \(data.vocabSize)")
        }
        if case .bertClassifier = model {
            if data.source != .csv {
                rules.fail(
                    "data.source",
                    "must be csv for model.type bert_classifier, got \(data.source.rawValue)")
            } else if (data.path ?? "").isEmpty {
                rules.fail("data.path", "is required when data.source is csv")
            }
        } else if data.source == .hdf5 || data.source == .csv {
            rules.fail(
                "data.source",
                "must be synthetic or text for model.type bert_pretrainer, got \(data.source.rawValue)"
            )
        }
        if data.source == .text && (data.path ?? "").isEmpty {
            rules.fail("data.path", "is required when data.source is text")
        }
        if let rate = export.attentionDropoutRate {
            rules.rate("export.attention_dropout_rate", rate)
        }
        if let part = export.part, !BertFamily.parts.contains(part) {
            rules.fail(
                "export.part",
                "must be one of \(BertFamily.parts.joined(separator: ", ")), got '\(part)'")
        }
    }
}
