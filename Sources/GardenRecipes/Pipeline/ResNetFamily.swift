import Foundation
import GardenModels
import GardenNN
import GardenTensor

/// The `resnet` model type in the pipeline: the classifier it trains, the extracted feature
/// vector it exports (Model Garden's legacy image `tfhub_export.py`: the classifier's input to
/// a named layer's output). Its data and loss: `ImageClassificationTask`.
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
        if let p = selection.part {
            throw PartError(
                "model.type resnet has no part '\(p)'; use --extract-to with one of its layers: "
                    + model.layerNames.joined(separator: ", "))
        }
        let layer = selection.extractTo ?? recipe.export.extractTo
        let extracted = try model.extract(to: layer)
        let after = model.layerNames.dropFirst(extracted.layerNames.count)
        return ExportPart(model: extracted, skippedCheckpointPrefixes: after.map { $0 + "/" })
    }
}
