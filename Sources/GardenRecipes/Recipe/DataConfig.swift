import Foundation

/// Where training examples come from.
public struct DataConfig: RecipeSection {
    /// The kind of data.
    public enum Source: String, CaseIterable, Sendable {
        /// Deterministic examples generated from the recipe seed.
        case synthetic
        /// Datasets in an HDF5 file.
        case hdf5
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
    /// The fraction of examples held out for evaluation (0: no evaluation).
    public var evalFraction: Float = 0.1

    /// The number of held-out evaluation examples out of `count`.
    public func evalExamples(of count: Int) -> Int { Int((Double(evalFraction) * Double(count)).rounded(.down)) }

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
            "`synthetic` (generated from the seed) or `hdf5` (read from `path`)."),
        .optional("path", .string, "HDF5 file with the examples; required when source is hdf5."),
        .string("inputs", "train/inputs", "Dataset path of the inputs inside the HDF5 file."),
        .string("labels", "train/labels", "Dataset path of the labels inside the HDF5 file."),
        .int("num_examples", 1024, "Number of synthetic examples generated."),
        .int("batch_size", 32, "Examples per training step."),
        .float("noise", 0.1, "Standard deviation of the noise added to synthetic examples."),
        .float("eval_fraction", 0.1, "Fraction of the examples held out for evaluation (chosen by the seed); 0 disables evaluation."),
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
            "eval_fraction": .float(evalFraction),
        ])
    }
}
