import Foundation
import GardenHDF5
import GardenModels
import GardenNN
import GardenTensor
import GardenTrain

/// The `resnet` model type in the pipeline: the classifier it trains, the extracted feature
/// vector it exports (Model Garden's legacy image `tfhub_export.py`: the classifier's input to
/// a named layer's output) and its image data.
enum ResNetFamily {
    /// The sub-model from the input to layer `selection.extractTo` (else `export.extract_to`)
    /// of a freshly built classifier. It shares the classifier's parameters and paths, so it
    /// restores from the classifier's checkpoint; the layers after the cut (`fc/` at
    /// `reduce_mean`) are the checkpoint's expected-and-skipped variables.
    ///
    /// - Throws: `PartError` for `--part`; `LayerGraphError.unknownLayer` (listing the valid
    ///   names) for a layer the classifier does not have.
    static func part(_ recipe: Recipe, _ c: ResNetClassifier.Config, _ selection: PartSelection) throws
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

    /// The synthetic stripes task at `model.input_size` (see `SyntheticData.stripes`).
    static func syntheticData(_ recipe: Recipe, _ c: ResNetClassifier.Config) -> (Tensor, Tensor) {
        SyntheticData.stripes(
            count: recipe.data.numExamples, size: c.inputSize, channels: c.inputChannels,
            classes: c.numClasses, noise: recipe.data.noise,
            seed: UInt64(truncatingIfNeeded: recipe.seed))
    }

    /// Images `[n, height, width, input_channels]` (float32 as stored, or uint8 scaled by
    /// 1/255) and int32 labels `[n]` in `0..<num_classes` from `data.path`. Errors name the file
    /// and the dataset.
    static func readImages(_ recipe: Recipe, _ c: ResNetClassifier.Config) throws -> (Tensor, Tensor) {
        let d = recipe.data
        let path = d.path ?? ""
        let f = try HDF5File.open(at: URL(fileURLWithPath: path))
        defer { try? f.close() }
        let images = try f.read(d.inputs)
        let pixels: [Float]
        switch images {
        case .uint8(_, let values): pixels = values.map { Float($0) / 255 }
        default:
            guard let v = images.floatValues else {
                throw DataError.wrongType(
                    file: path, dataset: d.inputs, found: "\(images.dtype)",
                    expected: "float32 in [0, 1] or uint8 images")
            }
            pixels = v
        }
        let s = images.shape
        guard s.count == 4, s[3] == c.inputChannels, s[1] > 0, s[2] > 0 else {
            throw DataError.wrongShape(
                file: path, dataset: d.inputs, found: s,
                expected: "[n, height, width, \(c.inputChannels)] (model.input_channels)")
        }
        let labels = try f.read(d.labels)
        guard labels.dtype != .float32 && labels.dtype != .float64,
            let ys = labels.int32Values
        else {
            throw DataError.wrongType(
                file: path, dataset: d.labels, found: "\(labels.dtype)",
                expected: "int32 class labels")
        }
        guard labels.shape == [s[0]] else {
            throw DataError.wrongShape(
                file: path, dataset: d.labels, found: labels.shape,
                expected: "[\(s[0])] (one label per image)")
        }
        if let bad = ys.first(where: { $0 < 0 || Int($0) >= c.numClasses }) {
            throw DataError.badLabel(
                file: path, dataset: d.labels, label: Int(bad), classes: c.numClasses)
        }
        return (Tensor(pixels, shape: s), Tensor(int32: ys, shape: [s[0]]))
    }
}
