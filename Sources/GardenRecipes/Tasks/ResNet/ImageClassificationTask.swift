import Foundation
import GardenHDF5
import GardenModels
import GardenTensor
import GardenTrain

/// Image classification by the ResNet classifier or the `image_classifier` built on its
/// backbone (Model Garden's `official/vision/tasks/image_classification.py`): the synthetic
/// stripes task, or images and int32 labels from HDF5. `config` is the ResNet's (for an
/// `image_classifier`, its backbone's: image size, channels, classes). The model, frozen layers
/// included, is `ModelFactory.make`'s. Loss and metrics: `ClassifierTask`.
public struct ImageClassificationTask: ClassifierTask {
    public let recipe: Recipe
    public let config: ResNetClassifier.Config

    public init(recipe: Recipe, config: ResNetClassifier.Config) {
        self.recipe = recipe; self.config = config
    }

    public func buildInputs() throws -> InMemoryDataset<SupervisedBatch> {
        try SupervisedInputs.load(recipe, synthetic: syntheticImages, hdf5: readImages)
    }

    /// The synthetic stripes task at `model.input_size` (see `SyntheticData.stripes`).
    func syntheticImages() -> (Tensor, Tensor) {
        SyntheticData.stripes(
            count: recipe.data.numExamples, size: config.inputSize,
            channels: config.inputChannels, classes: config.numClasses, noise: recipe.data.noise,
            seed: UInt64(truncatingIfNeeded: recipe.seed))
    }

    /// Images `[n, height, width, input_channels]` (float32 as stored, or uint8 scaled by
    /// 1/255) and int32 labels `[n]` in `0..<num_classes` from `data.path`. Errors name the file
    /// and the dataset.
    func readImages() throws -> (Tensor, Tensor) {
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
        guard s.count == 4, s[3] == config.inputChannels, s[1] > 0, s[2] > 0 else {
            throw DataError.wrongShape(
                file: path, dataset: d.inputs, found: s,
                expected: "[n, height, width, \(config.inputChannels)] (model.input_channels)")
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
        if let bad = ys.first(where: { $0 < 0 || Int($0) >= config.numClasses }) {
            throw DataError.badLabel(
                file: path, dataset: d.labels, label: Int(bad), classes: config.numClasses)
        }
        return (Tensor(pixels, shape: s), Tensor(int32: ys, shape: [s[0]]))
    }
}
