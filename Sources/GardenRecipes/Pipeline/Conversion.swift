import Foundation
import GardenExport
import GardenTrain

/// `garden convert`: one of our checkpoints into another framework's format.
public enum Conversion {
    /// The formats `--to` names.
    public enum Format: String, CaseIterable, Sendable {
        /// A TensorFlow 2 object-based checkpoint in Model Garden's layout.
        case tfCheckpoint = "tf-checkpoint"
    }

    /// Reads `checkpoint` (a file, or a directory meaning its latest), rebuilds its recipe from
    /// the text it stores, and writes it to `out` in `format`.
    /// - Returns: a line saying what was written.
    /// - Throws: `CheckpointError`, `RecipeError`, `OutputError`, `ConversionError` or
    ///   ``TensorBundleError``.
    public static func run(checkpoint: URL, format: Format, out: URL, overwrite: Bool) throws
        -> String
    {
        let url = try Checkpoint.resolve(checkpoint)
        // The same refusals as every output file: taken without --overwrite, not a regular
        // file, or the checkpoint being read.
        for suffix in [".index", ".data-00000-of-00001"] {
            try OutputTarget.checkFile(
                URL(fileURLWithPath: out.path + suffix), overwrite: overwrite,
                inputs: [("checkpoint", url)])
        }
        let directory = out.deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: directory.path) else {
            throw ConversionError.noDirectory(output: out.path, directory: directory.path)
        }
        let stored = try Checkpoint.read(from: url)
        let recipe = try RecipeLoader.load(yaml: stored.recipe, sourceName: url.path)
        switch recipe.model {
        case .bertPretrainer(let config):
            let count = try ModelGardenCheckpoint.write(
                stored, layers: config.encoder.numLayers, heads: config.encoder.numAttentionHeads,
                file: url.path, to: out)
            return
                "converted \(url.path) to \(out.path) (TensorFlow 2 checkpoint, Model Garden BertPretrainerV2 layout: encoder and masked_lm, \(count) variables)"
        case .resnet:
            try writeKerasLayout(stored, to: out)
            return
                "converted \(url.path) to \(out.path) (TensorFlow 2 checkpoint, tf.train.Checkpoint(model=...) of interop/keras/swiftgarden_resnet.py's ResNetClassifier, \(stored.variables.count) variables)"
        default:
            throw ConversionError.unsupported(
                checkpoint: url.path, modelType: recipe.model.typeName)
        }
    }

    /// Every variable at `model/<its path>`: what `tf.train.Checkpoint(model=model)` writes for
    /// the tf_keras model of interop/keras/swiftgarden_resnet.py, whose layers are attributes
    /// named as our modules, so its object paths are our parameter paths.
    static func writeKerasLayout(_ checkpoint: Checkpoint, to prefix: URL) throws {
        var writer = ObjectBasedCheckpointWriter()
        for (path, value) in checkpoint.variables {
            try writer.addVariable(
                at: ["model"] + path.split(separator: "/").map(String.init), name: path,
                values: value.floats, shape: value.shape)
        }
        try writer.write(prefix: prefix)
    }
}

/// Why `garden convert` refused. One line, naming the path.
public enum ConversionError: Error, LocalizedError, Equatable {
    case noDirectory(output: String, directory: String)
    case unsupported(checkpoint: String, modelType: String)
    case unknownFormat(String)

    public var errorDescription: String? {
        switch self {
        case .noDirectory(let output, let directory):
            return "\(output): the directory \(directory) does not exist"
        case .unknownFormat(let format):
            return
                "--to \(format): expected one of \(Conversion.Format.allCases.map(\.rawValue).joined(separator: ", "))"
        case .unsupported(let checkpoint, let modelType):
            return
                "\(checkpoint): model.type \(modelType) has no TensorFlow checkpoint conversion yet; bert_pretrainer (Model Garden's layout) and resnet (a tf_keras model) convert"
        }
    }
}
