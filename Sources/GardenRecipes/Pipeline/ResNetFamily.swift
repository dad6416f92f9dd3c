import Foundation
import GardenModels
import GardenNN
import GardenTensor

/// The ResNet models in the pipeline. `resnet` exports the extracted feature vector (Model
/// Garden's legacy image `tfhub_export.py`: the classifier's input to a named layer's output);
/// `image_classifier` exports its logits, or with `--extract-to` its fine-tuned backbone up
/// to a named layer. Their data and loss: `ImageClassificationTask`.
enum ResNetFamily {
    /// The sub-model from the input to layer `selection.extractTo` (else `export.extract_to`)
    /// of a freshly built classifier. It shares the classifier's parameters and paths, so it
    /// restores from the classifier's checkpoint; the layers after the cut (`fc/` at
    /// `reduce_mean`) are the checkpoint's expected-and-skipped variables.
    ///
    /// - Throws: `PartError` for `--part`; `LayerGraphError.unknownLayer` (listing the valid
    ///   names) for a layer the classifier does not have.
    static func part(_ recipe: Recipe, _ c: ResNetClassifier.Config, _ selection: PartSelection)
        throws
        -> ExportPart
    {
        let model = ResNetClassifier(
            c, initializer: Initializer(seed: UInt64(truncatingIfNeeded: recipe.seed)))
        return try cut(model, at: selection.extractTo ?? recipe.export.extractTo, selection)
    }

    /// The whole `image_classifier` (logits), or with `--extract-to` the model up to that
    /// layer (the fine-tuned backbone's feature vector at `reduce_mean`).
    ///
    /// Nothing is frozen in what this builds: the export is for further fine-tuning by its
    /// consumer, who decides what trains (`hub.KerasLayer(trainable=...)`), so every weight is
    /// in `trainable_variables` and `training=True` moves every batch norm, as for `resnet`;
    /// `garden predict --training` runs the same pass. The export's dropout rate is
    /// `export.dropout_rate`, defaulting to the training rate.
    static func part(_ recipe: Recipe, _ c: ImageClassifier.Config, _ selection: PartSelection)
        throws -> ExportPart
    {
        var config = c
        config.freeze = []
        if let rate = recipe.export.dropoutRate { config.dropoutRate = rate }
        let model = ImageClassifier(
            config, initializer: Initializer(seed: UInt64(truncatingIfNeeded: recipe.seed)))
        guard let layer = selection.extractTo else {
            if let p = selection.part { throw noPart(p, model) }
            return ExportPart(model: model)
        }
        return try cut(model, at: layer, selection)
    }

    /// `model` from its input through `layer`, skipping the checkpoint's later layers.
    private static func cut(
        _ model: some LayerGraphModel, at layer: String, _ selection: PartSelection
    ) throws -> ExportPart {
        if let p = selection.part { throw noPart(p, model) }
        let extracted = try model.extract(to: layer)
        let after = model.layerNames.dropFirst(extracted.layerNames.count)
        return ExportPart(model: extracted, skippedCheckpointPrefixes: after.map { $0 + "/" })
    }

    private static func noPart(_ part: String, _ model: some LayerGraphModel) -> PartError {
        PartError(
            "model.type \(model.root.name) has no part '\(part)'; use --extract-to with one of its layers: "
                + model.layerNames.joined(separator: ", "))
    }
}
