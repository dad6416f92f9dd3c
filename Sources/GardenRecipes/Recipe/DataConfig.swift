import Foundation

/// Where training examples come from.
public struct DataConfig: RecipeSection {
    /// The kind of data.
    public enum Source: String, CaseIterable, Sendable {
        /// Deterministic examples generated from the recipe seed.
        case synthetic
        /// Datasets in an HDF5 file.
        case hdf5
        /// A plain-text corpus (BERT family): one paragraph per line.
        case text
    }

    /// The kind of data.
    public var source: Source
    /// The HDF5 file (required when `source` is `hdf5`).
    public var path: String?
    /// The inputs dataset inside the HDF5 file.
    public var inputs: String
    /// The labels dataset inside the HDF5 file.
    public var labels: String
    /// The number of synthetic examples generated.
    public var numExamples: Int
    /// Examples per training step.
    public var batchSize: Int
    /// The noise level of synthetic examples.
    public var noise: Float
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

    /// The number of held-out evaluation examples out of `count`.
    public func evalExamples(of count: Int) -> Int {
        Int((Double(evalFraction) * Double(count)).rounded(.down))
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

    /// The keys of `data:`.
    public static let schema = ConfigMappingSchema([
        .choice(
            "source", Source.allCases.map(\.rawValue), Source.synthetic.rawValue,
            "`synthetic` (generated from the seed), `hdf5` (read from `path`) or `text` (BERT: a corpus at `path`, one paragraph a line)."
        ),
        .optional(
            "path", .string,
            "HDF5 file, or text corpus, with the examples; required when source is hdf5 or text."),
        .string("inputs", "train/inputs", "Dataset path of the inputs inside the HDF5 file."),
        .string("labels", "train/labels", "Dataset path of the labels inside the HDF5 file."),
        .int("num_examples", 1024, "Number of synthetic examples generated."),
        .int("batch_size", 32, "Examples per training step."),
        .float("noise", 0.1, "Standard deviation of the noise added to synthetic examples."),
        .int(
            "seq_length", 64,
            "BERT: tokens per training sequence, at most model.max_sequence_length."),
        .int(
            "max_predictions_per_seq", 10,
            "BERT: the most masked-LM predictions per sequence (15% of tokens are masked)."),
        .int(
            "vocab_size", 512,
            "BERT: size of the WordPiece vocabulary built from the corpus (unused with vocab)."),
        .optional("vocab", .string, "BERT: a vocab.txt to tokenize with instead of building one."),
        .float(
            "eval_fraction", 0.1,
            "Fraction of the examples held out for evaluation (chosen by the seed); 0 disables evaluation."
        ),
    ])

    /// Reads the section from a resolved tree.
    public init(config: ConfigView) throws {
        source = try config.choice("source")
        path = try config.optionalString("path")
        inputs = try config.string("inputs")
        labels = try config.string("labels")
        numExamples = try config.int("num_examples")
        batchSize = try config.int("batch_size")
        noise = try config.float("noise")
        seqLength = try config.int("seq_length")
        maxPredictionsPerSeq = try config.int("max_predictions_per_seq")
        vocabSize = try config.int("vocab_size")
        vocab = try config.optionalString("vocab")
        evalFraction = try config.float("eval_fraction")
    }

    /// The section as a tree.
    public var configNode: ConfigNode {
        .mapping([
            "source": .string(source.rawValue),
            "path": .optionalString(path),
            "inputs": .string(inputs),
            "labels": .string(labels),
            "num_examples": .int(numExamples),
            "batch_size": .int(batchSize),
            "noise": .float(noise),
            "seq_length": .int(seqLength),
            "max_predictions_per_seq": .int(maxPredictionsPerSeq),
            "vocab_size": .int(vocabSize),
            "vocab": .optionalString(vocab),
            "eval_fraction": .float(evalFraction),
        ])
    }
}
