import Foundation
import GardenExport

/// The model card of an export: `assets.extra/README.md`, which TensorFlow ignores and which
/// TF Hub and Kaggle Models show. It follows the TF Hub guide's advice to creators: say how
/// consumers should fine-tune, what dropout and batch norm do, and which regularization lives
/// in the optimizer and is lost. The text is a function of the facts below (no time), so the
/// same checkpoint and recipe give the same bytes.
public struct ModelCard: Equatable {
    /// The file name under `assets.extra/`.
    public static let fileName = "README.md"

    /// One tensor of the serving signature, as TensorFlow describes it.
    public struct TensorLine: Equatable {
        public var name: String
        /// TensorFlow's dtype name (`float32`, `int32`).
        public var dtype: String
        /// `[None, 4]` (`None` for an unknown dimension), or `unknown rank`.
        public var shape: String
    }

    /// The held-out evaluation at the exported checkpoint's step.
    public struct Evaluation: Equatable {
        public var step: Int
        /// Metric names (without `eval/`) and values, sorted by name.
        public var metrics: [String: Float]
    }

    public var name: String
    public var modelType: String
    /// What was exported: `the whole model`, `the encoder`, ...
    public var part: String
    /// Whether `__call__` takes a dict of the inputs (else the single tensor).
    public var dictInputs: Bool
    public var signatureKey: String
    public var inputs: [TensorLine]
    public var outputs: [TensorLine]
    /// The recipe's `data:` section, as YAML.
    public var dataYAML: String
    /// The checkpoint's step, or nil when the checkpoint records none.
    public var checkpointStep: Int?
    public var evaluation: Evaluation?
    /// Why there are no metrics (when `evaluation` is nil).
    public var evaluationMissing: String
    public var optimizer: String
    public var peakLearningRate: Float
    public var regularizationLossCount: Int
    /// The export's dropout rates (in its `training=True` trace) and how many layers use each.
    public var dropoutRates: [Float: Int]
    /// The export's root variables holding those rates (`dropout_rate`, ...).
    public var dropoutVariables: [String]
    public var batchNormCount: Int
    /// What the export cannot carry (``ExportNotes/warnings(_:)``).
    public var notExported: [String]
    /// SHA-256 of the resolved recipe used for the export.
    public var recipeSHA256: String
    /// SHA-256 of the recipe stored in the checkpoint (the training run's), if any.
    public var trainingRecipeSHA256: String?
    public var build: BuildInfo
    /// Signatures that take strings (the tokenizer in the graph), in order; empty for none.
    public var textSignatures: [String] = []

    /// The card as Markdown.
    public var markdown: String {
        var s = "# \(name)\n\n"
        s +=
            "A TensorFlow 2 SavedModel of a `\(modelType)` model (\(part)), trained and exported by "
        s += "SwiftGarden. Load it with `tf.saved_model.load(path)` or `hub.KerasLayer(path)`.\n\n"
        s += "## Inputs and outputs\n\n"
        s +=
            "Signature `\(signatureKey)` (keyword arguments; TF Serving and `saved_model_cli` use it):\n\n"
        s += table("Input", inputs) + "\n" + table("Output", outputs) + "\n"
        s +=
            dictInputs
            ? "`__call__` takes the inputs as a dict with these keys"
            : "`__call__` takes the input as one tensor"
        s += " and `training=False` (inference) or `training=True` (fine-tuning).\n"
        s += "\n"
        s += textInput
        s += "## Training data\n\n```yaml\n\(dataYAML)```\n\n"
        s += "## Evaluation\n\n"
        if let evaluation {
            s += "Held-out evaluation at step \(evaluation.step) (the exported checkpoint):\n\n"
            s += "| metric | value |\n| --- | --- |\n"
            for (k, v) in evaluation.metrics.sorted(by: { $0.key < $1.key }) {
                s += "| \(k) | \(v) |\n"
            }
            s += "\n"
        } else {
            s += "\(evaluationMissing)\n\n"
        }
        s += fineTuning
        s += "## Provenance\n\n"
        s += "- Recipe SHA-256 (resolved recipe of this export): `\(recipeSHA256)`\n"
        if let t = trainingRecipeSHA256 {
            s +=
                t == recipeSHA256
                ? "- The checkpoint was trained with this same recipe.\n"
                : "- Recipe SHA-256 stored in the checkpoint (training run): `\(t)`\n"
        }
        if let step = checkpointStep { s += "- Checkpoint step: \(step)\n" }
        s += "- Made by \(build.description)\n"
        return s
    }

    /// Which signatures take text, and the kernels they need.
    var textInput: String {
        guard !textSignatures.isEmpty else { return "" }
        var s = "## Text input\n\n"
        s += "Signatures \(textSignatures.map { "`\($0)`" }.joined(separator: ", ")) take strings "
        s += "(`text`, and `text_b` for sentence pairs) and tokenize them in the graph with the "
        s +=
            "vocabulary `assets/vocab.txt` (`[CLS] text [SEP] text_b [SEP]`, truncated round-robin). "
        s +=
            "The tokenizer uses `tensorflow_text` ops: run `import tensorflow_text` before loading "
        s += "(the C++ loader needs its op libraries loaded, e.g. `tf.load_op_library`).\n\n"
        return s
    }

    /// How to fine-tune, following the TF Hub guide's advice to SavedModel creators.
    var fineTuning: String {
        var s = "## Fine-tuning\n\n"
        s += "- Learning rate: this model was trained with \(optimizer) at a peak rate of "
        s += "\(fmt(peakLearningRate)); fine-tune with the same kind of optimizer between "
        s +=
            "\(fmt(peakLearningRate / 100)) and \(fmt(peakLearningRate / 10)) (1/100 to 1/10 of the peak), "
        s += "lower for small target data sets.\n"
        if regularizationLossCount > 0 {
            s +=
                "- Regularization: add the export's \(regularizationLossCount) weight regularization "
            s += "loss\(regularizationLossCount == 1 ? "" : "es") to your loss: Keras does it for "
            s +=
                "`hub.KerasLayer(path, trainable=True)` (`layer.losses`); with `tf.saved_model.load`, "
            s += "add `tf.add_n([f() for f in loaded.regularization_losses])`.\n"
        } else {
            s += "- Regularization: the export has no weight regularization losses "
            s += "(`loaded.regularization_losses` is empty).\n"
        }
        if dropoutRates.isEmpty {
            s += "- Dropout: none.\n"
        } else {
            let rates = dropoutRates.sorted { $0.key > $1.key }.map {
                "rate \(fmt($0.key)) in \($0.value) layer\($0.value == 1 ? "" : "s")"
            }
            s += "- Dropout: \(rates.joined(separator: ", ")), active only with `training=True`. "
            s +=
                "The `training=True` pass reads the rates from non-trainable scalar variables of the "
            s +=
                "export, \(dropoutVariables.map { "`\($0)`" }.joined(separator: " and ")) on the root "
            s += "(initially the recipe's `export.dropout_rate`"
            s += dropoutVariables.count > 1 ? " and `export.attention_dropout_rate`)" : ")"
            s +=
                ": assign a new rate before fine-tuning, e.g. `loaded.\(dropoutVariables[0]).assign(0.2)` "
            s += "(through TF Hub: `layer.resolved_object.\(dropoutVariables[0])`). "
            s += "Keras layers offer consumers no way to adjust dropout; these variables do. "
            s += "They are not in `trainable_variables`.\n"
        }
        if batchNormCount > 0 {
            s +=
                "- Batch normalization (\(batchNormCount) layers): `training=True` normalizes with the "
            s +=
                "batch's statistics and updates the moving mean and variance (non-trainable variables); "
            s +=
                "`training=False` uses the moving averages. Fine-tune with batches of 32 or more, or "
            s += "keep `training=False` for small batches.\n"
        }
        if notExported.isEmpty {
            s += "- Optimizer-internal regularization: none; everything is in the export.\n"
        } else {
            s += "- Not in the export (lives in the optimizer, add it yourself):\n"
            for note in notExported { s += "  - \(note)\n" }
        }
        return s + "\n"
    }

    func table(_ title: String, _ rows: [TensorLine]) -> String {
        var s = "| \(title) | dtype | shape |\n| --- | --- | --- |\n"
        for r in rows { s += "| `\(r.name)` | \(r.dtype) | `\(r.shape)` |\n" }
        return s
    }

    func fmt(_ x: Float) -> String { String(format: "%g", Double(x)) }

    /// The card as the export's `assets.extra/README.md`.
    public var file: ExportedAsset {
        ExportedAsset(name: "model_card", filename: Self.fileName, contents: Data(markdown.utf8))
    }
}
