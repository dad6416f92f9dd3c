import Foundation
import GardenNN
import GardenTensor
import GardenTrain

/// `train.init_checkpoint` (Model Garden's name): a run with no checkpoint of its own starts
/// from the matching variables of another checkpoint; everything else keeps its fresh initial
/// value and the optimizer starts fresh.
///
/// Variables match by path. The recipe's `initCheckpointScope` is the part the user asks for
/// (BERT's `encoder/` and `masked_lm/`, ResNet's and the image classifier's `stem/` and
/// `stageN/` up to its cut, the whole model
/// otherwise): a shape mismatch there is an error, and at least one variable there must match.
/// Outside it (a classifier's `fc/`, the next-sentence head) a variable of the same path and
/// shape is restored too, and one of another shape (a different class count) keeps its fresh
/// value and is reported as shape-mismatched.
public enum InitCheckpoint {
    /// The line appended to `recipe.yaml` and the stored recipe: a YAML comment, so
    /// the recipe parses to the same values and its hash covers the source's hash.
    static func recipeComment(_ source: CheckpointSource) -> String {
        "# init_checkpoint_sha256: \(source.sha256)\n"
    }

    /// The recipe text a run stores (`recipe.yaml`, the checkpoints' `recipe`): the resolved
    /// recipe, and the source's hash when the run started from an init checkpoint. An export
    /// hashes the same text, so its model card matches the training run's recipe.
    static func storedRecipe(_ recipe: Recipe, initSource: CheckpointSource?) -> String {
        guard recipe.train.initCheckpoint != nil, let initSource else {
            return recipe.resolvedYAML()
        }
        return recipe.resolvedYAML() + recipeComment(initSource)
    }

    /// Initialises `parameters` for a run in `modelDir`: from `recipe.train.initCheckpoint` when
    /// the run has no checkpoint yet (logging the restore report), else nothing.
    /// - Returns: the source to record, for a resumed run the one its own checkpoint recorded.
    static func initialise(
        _ parameters: Module, _ recipe: Recipe, modelDir: URL, log: (String) -> Void
    ) throws -> CheckpointSource? {
        if let own = try Checkpoint.latest(in: modelDir.appendingPathComponent("checkpoints")) {
            return try Checkpoint.read(from: own).initSource
        }
        guard let given = recipe.train.initCheckpoint else { return nil }
        let (source, report, note) = try restore(
            given, into: parameters.namedParameters(), scope: recipe.initCheckpointScope)
        if let note { log(note) }
        log("train.init_checkpoint: \(source.path) (sha256 \(source.sha256))")
        log(report.description)
        return source
    }

    /// Reads `given` and restores its matching variables into `parameters`; throws before
    /// changing any parameter when the source is refused.
    static func restore(
        _ given: String, into parameters: [(path: String, parameter: Parameter)],
        scope: [String]
    ) throws -> (CheckpointSource, RestoreReport, String?) {
        let url = resolve(given)
        let file: URL
        let checkpoint: Checkpoint
        let note: String?
        let sha256: String
        do {
            (file, checkpoint, note) = try Restore.read(url)
            sha256 = try hash(file)
        } catch {
            throw InitCheckpointError.unreadable(path: given, reason: error.localizedDescription)
        }
        let inScope = { (path: String) in scope.contains { path.hasPrefix($0) } }
        let saved = Dictionary(
            checkpoint.variables.map { ($0.path, $0.value) }, uniquingKeysWith: { a, _ in a })
        var matchedInScope = 0
        for (path, parameter) in parameters where inScope(path) {
            guard let value = saved[path] else { continue }
            guard value.shape == parameter.value.shape, value.dtype == parameter.value.dtype else {
                throw InitCheckpointError.shapeMismatch(
                    file: file.path, variable: path, checkpoint: value.shape,
                    model: parameter.value.shape)
            }
            matchedInScope += 1
        }
        guard matchedInScope > 0 else {
            throw InitCheckpointError.nothingMatched(
                file: file.path, scope: scope.map { $0.isEmpty ? "the model" : $0 })
        }
        let report = checkpoint.restore(into: parameters)
        return (CheckpointSource(path: file.path, sha256: sha256), report, note)
    }

    /// The checkpoint file, checkpoints directory or TensorFlow prefix `given` means: a run
    /// directory means its `checkpoints/`, whose latest file `Restore.read` picks.
    static func resolve(_ given: String) -> URL {
        let url = URL(fileURLWithPath: given)
        var isDirectory: ObjCBool = false
        let checkpoints = url.appendingPathComponent("checkpoints")
        if FileManager.default.fileExists(atPath: checkpoints.path, isDirectory: &isDirectory),
            isDirectory.boolValue
        {
            return checkpoints
        }
        return url
    }

    /// The SHA-256 of a checkpoint's bytes: of the file for one of ours; for a TensorFlow
    /// prefix, of `<prefix>.index` followed by its `<prefix>.data-*` shards in name order.
    static func hash(_ file: URL) throws -> String {
        guard ModelGardenCheckpoint.isTensorFlowCheckpoint(file) else {
            return SHA256.hex(try Data(contentsOf: file))
        }
        let directory = file.deletingLastPathComponent()
        let shards = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasPrefix(file.lastPathComponent + ".data-") }.sorted()
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file.path + ".index"))
        for shard in shards {
            bytes.append(try Data(contentsOf: directory.appendingPathComponent(shard)))
        }
        return SHA256.hex(bytes)
    }
}

/// Why `train.init_checkpoint` was refused. One line naming the key and the file.
public enum InitCheckpointError: Error, LocalizedError, Equatable {
    case unreadable(path: String, reason: String)
    case nothingMatched(file: String, scope: [String])
    case shapeMismatch(file: String, variable: String, checkpoint: [Int], model: [Int])

    public var errorDescription: String? {
        switch self {
        case .unreadable(let path, let reason):
            return "train.init_checkpoint '\(path)': \(reason)"
        case .nothingMatched(let file, let scope):
            return
                "train.init_checkpoint: \(file): no variable matches the model's \(scope.joined(separator: ", ")) by path"
        case .shapeMismatch(let file, let variable, let checkpoint, let model):
            return
                "train.init_checkpoint: \(file): variable '\(variable)' has shape \(checkpoint) in the checkpoint but \(model) in the model"
        }
    }
}

extension Recipe {
    /// The variable path prefixes `train.init_checkpoint` is asked to initialise.
    var initCheckpointScope: [String] {
        switch model {
        case .bertPretrainer: return ["encoder/", "masked_lm/"]
        case .bertClassifier: return ["encoder/"]
        case .resnet(let config):
            return ["stem/"] + config.stageFilters.indices.map { "stage\($0 + 1)/" }
        case .imageClassifier(let config):
            return config.freezableLayerNames.map { $0 + "/" }
        case .mlp, .mul: return [""]
        }
    }
}
