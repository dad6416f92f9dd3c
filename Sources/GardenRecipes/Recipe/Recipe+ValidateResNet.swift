import Foundation
import GardenModels

extension ResNetClassifier.Config {
    /// Adds the rules of a `resnet` model and its `export.extract_to` to `rules`.
    func validate(extractTo: String, into rules: inout RecipeRules) {
        validate(into: &rules, model: Self.typeName)
        if !layerNames.contains(extractTo) {
            rules.fail(
                "export.extract_to",
                "must name a layer of the model (\(layerNames.joined(separator: ", "))), "
                    + "got '\(extractTo)'")
        }
    }

    /// Adds the rules of the architecture (a `resnet` model's, or an `image_classifier`'s
    /// backbone, whose keys are the same) to `rules`; `model` is the `model.type` they name.
    func validate(into rules: inout RecipeRules, model: String) {
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
                "must be l2 or none for model.type \(model), got \(kernelRegularizer.kind.rawValue)"
            )
        }
        rules.nonNegative("model.kernel_regularizer.l2", kernelRegularizer.l2)
    }
}

extension ImageClassifier.Config {
    /// Adds the rules of an `image_classifier` model to `rules`: the backbone's, a cut at one of
    /// its layers, a dropout rate, and frozen layers that exist before the cut.
    func validate(into rules: inout RecipeRules) {
        backbone.validate(into: &rules, model: Self.typeName)
        guard backboneLayerNames.contains(backboneOutput) else {
            rules.fail(
                "model.backbone_output",
                "must name a backbone layer (\(backboneLayerNames.joined(separator: ", "))), "
                    + "got '\(backboneOutput)'")
            return
        }
        rules.rate("model.dropout_rate", dropoutRate)
        let valid = freezableLayerNames
        for (index, name) in freeze.enumerated() where !valid.contains(name) {
            rules.fail(
                "model.freeze[\(index)]",
                "must name a backbone layer up to model.backbone_output "
                    + "(\(valid.joined(separator: ", "))), got '\(name)'")
        }
    }
}
