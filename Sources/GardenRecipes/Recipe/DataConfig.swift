import Foundation

/// Where training examples come from.
public struct DataConfig: ConfigSection {
    /// The kind of data.
    public enum Source: String, CaseIterable, Sendable {
        /// Deterministic examples generated from the recipe seed.
        case synthetic
        /// Datasets in an HDF5 file.
        case hdf5
        /// A plain-text corpus (BERT family): one paragraph per line.
        case text
        /// A CSV (or, by the extension `.tsv`, TSV) table with a header row (BERT
        /// classifier): text and label columns named by `textColumn`, `labelColumn`.
        case csv
    }

    /// The kind of data.
    public var source = Source.synthetic
    /// The HDF5 file (required when `source` is `hdf5`).
    public var path: String?
    /// The inputs dataset inside the HDF5 file.
    public var inputs = "train/inputs"
    /// The labels dataset inside the HDF5 file.
    public var labels = "train/labels"
    /// The number of synthetic examples generated.
    public var numExamples = 1024
    /// Examples per training step.
    public var batchSize = 32
    /// The noise level of synthetic examples.
    public var noise: Float = 0.1
    /// BERT family: tokens per training sequence (`[CLS] A [SEP] B [SEP]`, padded).
    public var seqLength: Int = 64
    /// BERT family: the most masked-LM predictions per sequence.
    public var maxPredictionsPerSeq: Int = 10
    /// BERT family: the size of the vocabulary built from the corpus (ignored with `vocab`).
    public var vocabSize: Int = 512
    /// BERT family: a `vocab.txt` to use instead of building one from the corpus.
    public var vocab: String?
    /// The fraction of examples held out for evaluation (0: no evaluation).
    public var evalFraction: Float = 0.1
    /// CSV: a second table of the same columns, the evaluation split instead of
    /// `evalFraction`'s random one (Model Garden's `validation_data.input_path`).
    public var evalPath: String?
    /// CSV: the column of the text (the first segment).
    public var textColumn = "text"
    /// CSV: the column of the second text of a sentence pair; nil for single sentences.
    public var textBColumn: String?
    /// CSV: the column of the label, a class id or a class name.
    public var labelColumn = "label"

    /// The number of held-out evaluation examples out of `count`.
    public func evalExamples(of count: Int) -> Int {
        evalPath != nil ? 0 : Int((Double(evalFraction) * Double(count)).rounded(.down))
    }

    /// Creates a data config.
    /// - Parameters:
    ///   - source: The kind of data.
    ///   - path: The HDF5 file.
    ///   - inputs: The inputs dataset inside the HDF5 file.
    ///   - labels: The labels dataset inside the HDF5 file.
    ///   - numExamples: The number of synthetic examples.
    ///   - batchSize: Examples per training step.
    ///   - noise: The noise level of synthetic examples.
    public init(
        source: Source, path: String?, inputs: String, labels: String, numExamples: Int,
        batchSize: Int, noise: Float
    ) {
        self.source = source
        self.path = path
        self.inputs = inputs
        self.labels = labels
        self.numExamples = numExamples
        self.batchSize = batchSize
        self.noise = noise
    }

    /// The defaults.
    public init() {}

    /// The keys of `data:`.
    public static let keys: [ConfigKey<DataConfig>] = [
        .choice(
            "source", \.source,
            "`synthetic` (generated from the seed), `hdf5` (read from `path`), `text` (BERT: a corpus at `path`, one paragraph a line) or `csv` (BERT classifier: a table at `path` with a header row; TSV when the name ends in `.tsv`)."
        ),
        .optionalString(
            "path", \.path,
            "HDF5 file, text corpus or CSV/TSV table with the examples; required when source is hdf5, text or csv."
        ),
        .string("inputs", \.inputs, "Dataset path of the inputs inside the HDF5 file."),
        .string("labels", \.labels, "Dataset path of the labels inside the HDF5 file."),
        .int("num_examples", \.numExamples, "Number of synthetic examples generated."),
        .int("batch_size", \.batchSize, "Examples per training step."),
        .float(
            "noise", \.noise, "Standard deviation of the noise added to synthetic examples."),
        .int(
            "seq_length", \.seqLength,
            "BERT: tokens per training sequence, at most model.max_sequence_length."),
        .int(
            "max_predictions_per_seq", \.maxPredictionsPerSeq,
            "BERT: the most masked-LM predictions per sequence (15% of tokens are masked)."),
        .int(
            "vocab_size", \.vocabSize,
            "BERT: size of the WordPiece vocabulary built from the corpus (unused with vocab)."),
        .optionalString(
            "vocab", \.vocab, "BERT: a vocab.txt to tokenize with instead of building one."),
        .float(
            "eval_fraction", \.evalFraction,
            "Fraction of the examples held out for evaluation (chosen by the seed); 0 disables evaluation."
        ),
        .optionalString(
            "eval_path", \.evalPath,
            "CSV: a second table of the same columns to evaluate on, used instead of eval_fraction's random split; null for that split."
        ),
        .string("text_column", \.textColumn, "CSV: the column holding the text (first segment)."),
        .optionalString(
            "text_b_column", \.textBColumn,
            "CSV: the column holding the second text of sentence pairs; null for single texts."),
        .string(
            "label_column", \.labelColumn,
            "CSV: the column holding the label: class ids 0..<num_classes, or class names (mapped through their sorted list)."
        ),
    ]
}
