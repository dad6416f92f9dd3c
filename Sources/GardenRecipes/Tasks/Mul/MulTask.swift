import GardenModels
import GardenNN
import GardenTensor
import GardenTrain

/// The TF Hub guide's `MyMulModel` task: least squares on pairs `(x, y)` (a noisy line
/// `y = 3x`, or float32 inputs and targets from HDF5).
public struct MulTask: RecipeTask {
    public let recipe: Recipe

    public init(recipe: Recipe) { self.recipe = recipe }

    public func buildInputs() throws -> InMemoryDataset<SupervisedBatch> {
        let d = recipe.data
        return try SupervisedInputs.load(
            recipe,
            synthetic: {
                SyntheticData.line(
                    count: d.numExamples, noise: d.noise,
                    seed: UInt64(truncatingIfNeeded: recipe.seed))
            }, hdf5: readPairs)
    }

    /// Float32 inputs and targets, one target per input row.
    func readPairs() throws -> (Tensor, Tensor) {
        let (x, labels) = try SupervisedInputs.readHDF5(recipe)
        guard let ys = labels.floatValues else {
            throw DataError.wrongType(
                file: recipe.data.path ?? "", dataset: recipe.data.labels,
                found: "\(labels.dtype)", expected: "float32 targets")
        }
        let y = Tensor(ys, shape: labels.shape)
        try SupervisedInputs.checkOneLabelPerRow(recipe, inputs: x, labels: y)
        return (x, y)
    }

    public var metricNames: [String] { ["mse"] }

    /// Mean squared error plus the model's regularization loss (`0.001 * v²`); metric `mse`.
    public func loss(
        _ model: any GardenModels.Model, on batch: SupervisedBatch, _ ctx: ForwardContext
    )
        -> TaskLoss
    {
        let d = model.call(leaves: [batch.inputs], ctx).single - batch.targets
        let mse = (d * d).mean()
        return TaskLoss(loss: mse + model.root.regularizationLoss(), metrics: ["mse": mse])
    }
}
