import Foundation
import GardenExport

/// What an export cannot carry, said at export time and recorded beside the SavedModel.
///
/// Decoupled weight decay (AdamW) is part of the optimizer's update, not of the loss, so it has
/// no `regularization_losses` function: a TensorFlow user who fine-tunes the export gets only
/// the loss regularizers (the TF Hub guide's warning about regularization in optimizers). The
/// record goes to `<export>/assets.extra/swiftgarden_export_notes.json`, which TensorFlow
/// ignores and which is written only when there is something to say.
public enum ExportNotes {
    /// The file name under `assets.extra/`.
    public static let fileName = "swiftgarden_export_notes.json"

    /// One line per regularization the export cannot carry (empty when there is none).
    public static func warnings(_ recipe: Recipe) -> [String] {
        let wd = recipe.train.optimizer.decoupledWeightDecay
        guard wd > 0 else { return [] }
        return [
            "train.optimizer.weight_decay \(wd) (AdamW's decoupled weight decay) lives in the optimizer and is not in the export's regularization_losses; add it to your own optimizer when fine-tuning"
        ]
    }

    /// The JSON record for `assets.extra/`, or nil when there is nothing to say
    /// (deterministic bytes: keys in a fixed order, no time).
    public static func file(_ recipe: Recipe) -> ExportedAsset? {
        guard !warnings(recipe).isEmpty else { return nil }
        let wd = recipe.train.optimizer.decoupledWeightDecay
        let json = """
            {
              "not_exported_regularization": [
                {
                  "kind": "decoupled_weight_decay",
                  "optimizer": "\(recipe.train.optimizer.typeName)",
                  "recipe_key": "train.optimizer.weight_decay",
                  "weight_decay": \(wd),
                  "note": "applied by the optimizer as w -= lr * weight_decay * w; not part of regularization_losses"
                }
              ]
            }

            """
        return ExportedAsset(name: "export_notes", filename: fileName, contents: Data(json.utf8))
    }
}
