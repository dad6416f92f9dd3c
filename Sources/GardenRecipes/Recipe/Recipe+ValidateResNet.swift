import Foundation
import GardenModels

extension ResNetClassifier.Config {
    /// Adds the rules of a `resnet` model (and its `export.extract_to`) to `rules`.
    func validate(extractTo: String, into rules: inout RecipeRules) {
        rules.positive("model.input_size", inputSize)
        rules.positive("model.input_channels", inputChannels)
        rules.positive("model.stem_filters", stemFilters)
        if stageFilters.isEmpty {
            rules.fail("model.stage_filters", "must list at least one stage width, got []")
        }
        for (index, filters) in stageFilters.enumerated() {
            rules.positive("model.stage_filters[\(index)]", filters)
        }
        if stageStrides.count != stageFilters.count {
            rules.fail(
                "model.stage_strides",
                "must have one stride per stage (\(stageFilters.count), as model.stage_filters), "
                    + "got \(stageStrides.count)")
        }
        for (index, stride) in stageStrides.enumerated() {
            rules.positive("model.stage_strides[\(index)]", stride)
        }
        rules.positive("model.blocks_per_stage", blocksPerStage)
        rules.positive("model.num_classes", numClasses)
        // The classifier takes one L2 factor (Keras `l2`), as Model Garden's ResNet does.
        if kernelRegularizer.kind != .l2 && kernelRegularizer.kind != .none {
            rules.fail(
                "model.kernel_regularizer.type",
                "must be l2 or none for model.type resnet, got \(kernelRegularizer.kind.rawValue)")
        }
        rules.nonNegative("model.kernel_regularizer.l2", kernelRegularizer.l2)
        if !layerNames.contains(extractTo) {
            rules.fail(
                "export.extract_to",
                "must name a layer of the model (\(layerNames.joined(separator: ", "))), "
                    + "got '\(extractTo)'")
        }
    }
}
