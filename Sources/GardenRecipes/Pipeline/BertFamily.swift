import Foundation
import GardenExport
import GardenModels
import GardenNN
import GardenTensor
import GardenTrain

/// The BERT family's pipeline: corpus and vocabulary, the pre-trainer, and the
/// exported `encoder` part (with the masked-LM head as the child object `mlm`, the vocabulary
/// as the asset `vocab_file` and `do_lower_case`), as Model Garden's `export_tfhub_lib.py`.
/// Its training examples and loss: `BertPretrainingTask`.
public enum BertFamily {
    /// The checkpoint items of a pre-trainer that `--part` may name and can be exported.
    public static let parts = ["encoder", "preprocess"]
    /// The pre-trainer's checkpoint items that are heads: not exportable on their own.
    public static let heads = ["masked_lm", "next_sentence"]
    /// The vocabularies built here are lower-cased ("uncased"), and so is the exported flag.
    public static let doLowerCase = true

    /// The training corpus: paragraphs of sentences (the synthetic grammar, or `data.path`).
    public static func paragraphs(_ recipe: Recipe) throws -> [[String]] {
        let d = recipe.data
        switch d.source {
        case .text: return try TextCorpus.read(URL(fileURLWithPath: d.path ?? ""))
        case .synthetic, .hdf5, .csv:
            return SyntheticCorpus.paragraphs(
                count: max(d.numExamples / 2, 16),
                seed: UInt64(truncatingIfNeeded: recipe.seed))
        }
    }

    /// The vocabulary: `data.vocab`; else, for a classifier, the vocabulary of the run
    /// `train.init_checkpoint` names (`SentenceData.pretrainingVocabulary`); else built from
    /// the corpus with `data.vocab_size` tokens.
    public static func vocabulary(_ recipe: Recipe, paragraphs: [[String]]? = nil) throws
        -> Vocabulary
    {
        if let path = recipe.data.vocab { return try Vocabulary.read(URL(fileURLWithPath: path)) }
        if case .bertClassifier = recipe.model {
            return try SentenceData.pretrainingVocabulary(recipe)
        }
        let corpus = try paragraphs ?? Self.paragraphs(recipe)
        return VocabularyBuilder.build(
            sentences: corpus.flatMap { $0 }, size: recipe.data.vocabSize,
            basic: BasicTokenizer(doLowerCase: doLowerCase))
    }

    /// Rows of the word-embedding table: `model.vocab_size`, else the vocabulary's size.
    static func vocabSize(_ recipe: Recipe, _ c: BertEncoder.Config) -> Int {
        if let v = c.vocabSize { return v }
        if recipe.data.vocab != nil || recipe.model.typeName == BertClassifier.Config.typeName,
            let vocab = try? vocabulary(recipe)
        {
            return vocab.count
        }
        return recipe.data.vocabSize
    }

    /// The encoder's hyperparameters with `vocab_size` resolved; nil rates keep the recipe's
    /// training values.
    static func encoderConfig(
        _ recipe: Recipe, _ c: BertEncoder.Config, dropoutRate: Float? = nil,
        attentionDropoutRate: Float? = nil
    ) -> BertEncoder.Config {
        var config = c
        config.vocabSize = vocabSize(recipe, c)
        if let dropoutRate { config.dropoutRate = dropoutRate }
        if let attentionDropoutRate { config.attentionDropoutRate = attentionDropoutRate }
        return config
    }

    /// The pre-trainer to train; `model.kernel_regularizer` is on every dense kernel.
    public static func pretrainer(
        _ recipe: Recipe, _ c: BertEncoder.Config, initializer: Initializer
    ) -> BertPretrainer {
        BertPretrainer(encoderConfig(recipe, c), initializer: initializer)
    }

    /// The part to export or predict with: a fresh `BertEncoder` restored from the checkpoint's
    /// `encoder/` items (its own paths come from `encoder.root`, not from the pre-trainer), with
    /// the export's dropout rates, plus the `mlm` child restored from `masked_lm/`.
    public static func part(_ recipe: Recipe, _ c: BertEncoder.Config, _ selection: PartSelection)
        throws -> ExportPart
    {
        let name = selection.part ?? recipe.export.part ?? "encoder"
        if heads.contains(name) {
            throw PartError(
                "part '\(name)' of model.type bert_pretrainer is a head and cannot be exported alone; export 'encoder' (it carries the masked-LM head as the child object 'mlm')"
            )
        }
        guard parts.contains(name) else {
            throw PartError(
                "model.type bert_pretrainer has no part '\(name)'; valid parts: \(parts.joined(separator: ", "))"
            )
        }
        if let l = selection.extractTo {
            throw PartError(
                "model.type bert_pretrainer has no named layer '\(l)' to extract to (omit --extract-to; use --part encoder)"
            )
        }
        // Read (or rebuilt from the corpus) once: the asset, the table and the preprocessing.
        let vocab = try vocabulary(recipe)
        if name == "preprocess" { return preprocessPart(vocab, c) }
        let (encoder, encoderOnly) = encoderPart(recipe, c, vocab, skipping: ["next_sentence/"])
        var part = encoderOnly
        let head = MaskedLM(
            name: "mlm", embeddings: encoder.wordEmbeddings.embeddings,
            activation: c.hiddenActivation, initializerRange: c.initializerRange
        ).initializeParameters(
            Initializer(seed: UInt64(truncatingIfNeeded: recipe.seed)), prefix: "mlm/")
        // Export names come from the part's trees (the encoder at the root, the head under
        // `mlm/`), checkpoint names from the pre-trainer's; this prefix map is the one place
        // where they differ: `` → `encoder/`, `mlm/` → `masked_lm/`.
        part.restoredParameters =
            encoder.root.namedParameters(prefix: "encoder/")
            + head.namedParameters(prefix: "masked_lm/")
        part.children = { [mlmChild(encoder, head)] }
        part.optionalChildren = [("masked_lm/", "mlm")]
        return withTextInput(part, recipe, vocab, c)
    }

    /// The `encoder` part of a pre-trainer or classifier: a fresh `BertEncoder` with the
    /// export's dropout rates, restored from the checkpoint's `encoder/` items (checkpoint
    /// items under `skipping` are the model's heads), with the vocabulary as the asset
    /// `vocab_file` and `do_lower_case`.
    static func encoderPart(
        _ recipe: Recipe, _ c: BertEncoder.Config, _ vocab: Vocabulary, skipping: [String]
    ) -> (BertEncoder, ExportPart) {
        let encoder = BertEncoder(
            encoderConfig(
                recipe, c, dropoutRate: recipe.export.dropoutRate,
                attentionDropoutRate: recipe.export.attentionDropoutRate),
            initializer: Initializer(seed: UInt64(truncatingIfNeeded: recipe.seed)))
        let part = ExportPart(
            model: BertHubEncoder(encoder), checkpointPrefix: "encoder/",
            skippedCheckpointPrefixes: skipping, assets: [vocabularyAsset(vocab)],
            constants: [.bool("do_lower_case", doLowerCase)])
        return (encoder, part)
    }

    /// `assets/vocab.txt`, the vocabulary the model was trained with, as `vocab_file`.
    static func vocabularyAsset(_ vocab: Vocabulary) -> ExportedAsset {
        ExportedAsset(name: "vocab_file", filename: "vocab.txt", contents: vocab.fileContents)
    }

    /// The tokenizer as TensorFlow ops for the recipe's vocabulary, packing to
    /// `model.max_sequence_length` columns.
    static func preprocessing(_ vocab: Vocabulary, _ c: BertEncoder.Config) -> BertPreprocessing {
        BertTextInput.preprocessing(vocab, seqLength: c.maxSequenceLength, lowerCase: doLowerCase)
    }

    /// `--part preprocess`: Model Garden's stand-alone preprocessing SavedModel for the
    /// recipe's vocabulary.
    static func preprocessPart(_ vocab: Vocabulary, _ c: BertEncoder.Config) -> ExportPart {
        BertTextInput.preprocessPart(vocab, preprocessing(vocab, c))
    }

    /// `part` with `serving_default` taking text when the recipe sets `export.text_input`.
    static func withTextInput(
        _ part: ExportPart, _ recipe: Recipe, _ vocab: Vocabulary, _ c: BertEncoder.Config
    ) -> ExportPart {
        guard recipe.export.textInput else { return part }
        return BertTextInput.wrap(part, preprocessing(vocab, c))
    }

    /// The `mlm` child: `__call__(input_word_ids, input_mask, input_type_ids,
    /// masked_lm_positions) -> {"mlm_logits": [batch, P, vocab]}` (inference mode), with the
    /// shared word-embedding table as `mlm.word_embeddings`.
    static func mlmChild(_ encoder: BertEncoder, _ head: MaskedLM) -> ChildObject {
        let logits = TensorSpec(
            "mlm_logits", .float32, Shape([-1, -1, encoder.vocabSize]))
        let signature = Signature(
            inputs: BertPretrainer.inputs, outputs: .named(["mlm_logits": logits]))
        let call = Tracer.trace(signature) { xs in
            let out = encoder.call(xs, ForwardContext(training: false))
            return .named([
                "mlm_logits": head(out["sequence_output"], positions: xs["masked_lm_positions"])
            ])
        }
        return ChildObject(
            name: "mlm", call: call, outputs: signature.outputs,
            variables: ["word_embeddings": encoder.wordEmbeddings.embeddings],
            ownVariables: head.namedParameters().map { ExportedVariable($0.parameter) })
    }
}
