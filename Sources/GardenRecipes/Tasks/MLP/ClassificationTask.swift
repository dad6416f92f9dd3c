import GardenHDF5
import GardenModels
import GardenTensor
import GardenTrain

/// Classification of feature vectors by the MLP: Gaussian blobs, or float32 features
/// `[n, model.input_size]` and int32/int64 labels `[n]` from HDF5. Loss and metrics:
/// `ClassifierTask`.
public struct ClassificationTask: ClassifierTask {
    public let recipe: Recipe
    public let config: MLP.Config

    public init(recipe: Recipe, config: MLP.Config) {
        self.recipe = recipe; self.config = config
    }

    public func buildInputs() throws -> InMemoryDataset<SupervisedBatch> {
        let d = recipe.data
        return try SupervisedInputs.load(
            recipe,
            synthetic: {
                SyntheticData.blobs(
                    count: d.numExamples, features: config.inputSize,
                    classes: config.numClasses, noise: d.noise,
                    seed: UInt64(truncatingIfNeeded: recipe.seed))
            }, hdf5: readPairs)
    }

    /// Features `[n, input_size]` and labels in `0..<num_classes`, one per row.
    func readPairs() throws -> (Tensor, Tensor) {
        let (path, dataset) = (recipe.data.path ?? "", recipe.data.labels)
        let (x, labels) = try SupervisedInputs.readHDF5(recipe)
        let values: [Int64]
        switch labels {
        case .int32(_, let v): values = v.map(Int64.init)
        case .int64(_, let v): values = v
        default:
            throw DataError.wrongType(
                file: path, dataset: dataset, found: "\(labels.dtype)",
                expected: "int32 class labels")
        }
        if let bad = values.first(where: { $0 < 0 || Int($0) >= config.numClasses }) {
            throw DataError.badLabel(
                file: path, dataset: dataset, label: Int(bad), classes: config.numClasses)
        }
        let y = Tensor(int32: values.map { Int32($0) }, shape: labels.shape)
        if x.shape.count != 2 || x.shape[1] != config.inputSize {
            throw DataError.wrongShape(
                file: path, dataset: recipe.data.inputs, found: x.shape,
                expected: "[n, \(config.inputSize)] (model.input_size)")
        }
        try SupervisedInputs.checkOneLabelPerRow(recipe, inputs: x, labels: y)
        return (x, y)
    }
}
