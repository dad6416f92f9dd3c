import Foundation
import GardenExport
import GardenNN
import GardenTrain
import TFProto

extension ModelCard {
    /// The card of an export about to be written: the signature from the assembled
    /// `saved_model.pb` (what TensorFlow will report), the rest from the recipe, the restored
    /// part, the checkpoint and the run directory's `metrics.jsonl`.
    /// - Parameters:
    ///   - recipe: the resolved recipe of the export.
    ///   - part: the restored part being exported.
    ///   - selection: `--part` / `--extract-to` as given.
    ///   - spec: the export's spec (regularization functions, signature key).
    ///   - assembly: the assembled export, whose `saved_model.pb` holds the signature.
    ///   - checkpointFile: the checkpoint file the part was restored from.
    ///   - checkpoint: that checkpoint, read.
    ///   - build: the SwiftGarden version and commit.
    /// - Returns: the card; `file` gives its `assets.extra/README.md`.
    public static func make(
        recipe: Recipe, part: ExportPart, selection: PartSelection,
        spec: SavedModelSpec, assembly: SavedModelAssembly,
        checkpointFile: URL, checkpoint: Checkpoint, build: BuildInfo
    ) -> ModelCard {
        let key = spec.servingSignatureKey ?? "serving_default"
        let signature = assembly.savedModel.metaGraphs.first?.signatureDef[key]
        func lines(_ map: [String: Tensorflow_TensorInfo]?) -> [TensorLine] {
            (map ?? [:]).sorted { $0.key < $1.key }.map {
                TensorLine(
                    name: $0.key, dtype: dtypeName($0.value.dtype),
                    shape: shapeText($0.value.tensorShape))
            }
        }
        let modules = part.model.root.descendants
        var dropout: [Float: Int] = [:]
        for case let d as Dropout in modules where d.rate > 0 { dropout[d.rate, default: 0] += 1 }
        let (evaluation, missing) = self.evaluation(
            checkpointFile: checkpointFile, checkpoint: checkpoint)
        var card = ModelCard(
            name: recipe.name, modelType: recipe.model.typeName,
            part: describe(recipe, part, selection),
            dictInputs: part.model.signature.inputs.leaf == nil, signatureKey: key,
            inputs: lines(signature?.inputs), outputs: lines(signature?.outputs),
            dataYAML: ConfigEmitter.emit(.mapping(["data": recipe.data.configNode])),
            checkpointStep: checkpoint.step, evaluation: evaluation, evaluationMissing: missing,
            optimizer: "`\(recipe.train.optimizer.typeName)`",
            peakLearningRate: recipe.train.optimizer.learningRate.initialLearningRate,
            regularizationLossCount: spec.regularizationLosses.count,
            dropoutRates: dropout,
            dropoutVariables: spec.variables.map(\.parameter.path).filter {
                Dropout.Role(rawValue: $0) != nil
            },
            batchNormCount: modules.filter { $0 is BatchNorm }.count,
            notExported: ExportNotes.warnings(recipe),
            recipeSHA256: SHA256.hex(
                InitCheckpoint.storedRecipe(recipe, initSource: checkpoint.initSource)),
            trainingRecipeSHA256: checkpoint.recipeSHA256, build: build)
        // Signatures whose inputs are strings: the tokenizer runs in the graph.
        let signatures = assembly.savedModel.metaGraphs.first?.signatureDef ?? [:]
        card.textSignatures = signatures.keys.sorted().filter { key in
            signatures[key]?.inputs.values.contains { $0.dtype == .dtString } ?? false
        }
        return card
    }

    /// `the whole model`, `its encoder`, `cut at layer reduce_mean`.
    static func describe(_ recipe: Recipe, _ part: ExportPart, _ selection: PartSelection) -> String
    {
        if let name = selection.part
            ?? (part.checkpointPrefix.isEmpty ? nil : String(part.checkpointPrefix.dropLast()))
        {
            return "its `\(name)`"
        }
        if case .resnet = recipe.model {
            return "cut at layer `\(selection.extractTo ?? recipe.export.extractTo)`"
        }
        if case .imageClassifier = recipe.model, let layer = selection.extractTo {
            return "cut at layer `\(layer)`"
        }
        return "the whole model"
    }

    /// The `eval/*` line of `<model-dir>/metrics.jsonl` at the checkpoint's step, when the
    /// checkpoint sits in `<model-dir>/checkpoints/` and `<model-dir>/recipe.yaml` is the
    /// checkpoint's recipe (so the metrics belong to this run); otherwise why there are none.
    static func evaluation(checkpointFile: URL, checkpoint: Checkpoint) -> (Evaluation?, String) {
        let none = "No evaluation metrics are recorded for this checkpoint"
        let dir = checkpointFile.standardizedFileURL.deletingLastPathComponent()
        guard dir.lastPathComponent == "checkpoints" else {
            return (
                nil,
                "\(none): it is not in a run's `checkpoints/` directory, so there is no `metrics.jsonl`."
            )
        }
        let run = dir.deletingLastPathComponent()
        guard
            let recipe = FileManager.default.contents(
                atPath: run.appendingPathComponent("recipe.yaml").path),
            SHA256.hex(Array(recipe)) == checkpoint.recipeSHA256,
            let log = FileManager.default.contents(
                atPath: run.appendingPathComponent("metrics.jsonl").path)
        else {
            return (
                nil,
                "\(none): the run directory has no `metrics.jsonl` with the checkpoint's recipe."
            )
        }
        for line in String(decoding: log, as: UTF8.self).split(separator: "\n") {
            guard
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8))
                    as? [String: Any],
                (object["step"] as? NSNumber)?.intValue == checkpoint.step
            else { continue }
            var metrics: [String: Float] = [:]
            for (k, v) in object where k.hasPrefix("eval/") {
                if let n = v as? NSNumber { metrics[String(k.dropFirst(5))] = Float(n.doubleValue) }
            }
            if !metrics.isEmpty { return (Evaluation(step: checkpoint.step, metrics: metrics), "") }
        }
        return (
            nil,
            "\(none): the run did not evaluate at step \(checkpoint.step) (`train.eval_every`, `data.eval_fraction`)."
        )
    }

    /// TensorFlow's name of a dtype (`tf.float32.name`).
    static func dtypeName(_ type: Tensorflow_DataType) -> String {
        switch type {
        case .dtFloat: return "float32"
        case .dtDouble: return "float64"
        case .dtInt32: return "int32"
        case .dtInt64: return "int64"
        case .dtBool: return "bool"
        case .dtString: return "string"
        default: return "\(type)"
        }
    }

    /// `[None, 4]`, as Python prints `shape.as_list()`; `unknown rank` without a rank.
    static func shapeText(_ shape: Tensorflow_TensorShapeProto) -> String {
        if shape.unknownRank { return "unknown rank" }
        return "[" + shape.dim.map { $0.size < 0 ? "None" : "\($0.size)" }.joined(separator: ", ")
            + "]"
    }
}
