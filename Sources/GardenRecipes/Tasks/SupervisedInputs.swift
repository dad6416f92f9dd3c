import Foundation
import GardenHDF5
import GardenTensor
import GardenTrain

/// The examples of the families trained on `(x, y)` pairs: generated from the recipe seed, or
/// read from the HDF5 file of `data.path`. Each task says how; this is what they share.
enum SupervisedInputs {
    /// The data set of `synthetic()` or (for `data.source: hdf5`) of `hdf5()`, batched and
    /// shuffled as `data:` says.
    static func load(
        _ recipe: Recipe, synthetic: () -> (Tensor, Tensor),
        hdf5: () throws -> (Tensor, Tensor)
    ) throws -> InMemoryDataset<SupervisedBatch> {
        let (x, y): (Tensor, Tensor)
        switch recipe.data.source {
        case .synthetic:
            (x, y) = synthetic()
        case .hdf5:
            (x, y) = try hdf5()
            try checkRows(recipe, rows: y.shape.first ?? 0)
        case .text, .csv:
            // `Recipe.validate()` refuses this first; the same error for a recipe built in code.
            let family = recipe.data.source == .text ? "bert_pretrainer" : "bert_classifier"
            throw recipe.located(
                RecipeError.invalidValue(
                    location: nil, path: "data.source",
                    reason:
                        "\(recipe.data.source.rawValue) needs model.type \(family), got \(recipe.model.typeName)"
                ))
        }
        return InMemoryDataset(
            SupervisedBatch(inputs: x, targets: y), batchSize: recipe.data.batchSize,
            seed: UInt64(truncatingIfNeeded: recipe.seed))
    }

    /// An HDF5 training set must leave at least one batch of training rows after the eval
    /// split: an empty set would divide by zero, a short one repeat rows within a batch.
    static func checkRows(_ recipe: Recipe, rows: Int) throws {
        let d = recipe.data
        let training = rows - d.evalExamples(of: rows)
        guard training < d.batchSize else { return }
        let held = rows - training
        throw DataError.tooFewRows(
            file: d.path ?? "", dataset: d.labels, rows: rows,
            expected: held > 0
                ? "at least data.batch_size (\(d.batchSize)) rows besides the \(held) that data.eval_fraction holds out"
                : "at least data.batch_size (\(d.batchSize))")
    }

    /// The float32 inputs `[n, ...]` of `data.inputs` and the `data.labels` dataset as stored,
    /// for the task to convert.
    static func readHDF5(_ recipe: Recipe) throws -> (inputs: Tensor, labels: HDF5Array) {
        let d = recipe.data
        let path = d.path ?? ""
        let f = try HDF5File.open(at: URL(fileURLWithPath: path))
        defer { try? f.close() }
        let inputs = try f.read(d.inputs)
        guard let xs = inputs.floatValues else {
            throw DataError.wrongType(
                file: path, dataset: d.inputs, found: "\(inputs.dtype)", expected: "float32")
        }
        return (Tensor(xs, shape: inputs.shape), try f.read(d.labels))
    }

    /// Labels must be one value per input row.
    static func checkOneLabelPerRow(_ recipe: Recipe, inputs x: Tensor, labels y: Tensor) throws {
        guard x.shape.first == y.shape.first, y.shape.count == 1 else {
            throw DataError.wrongShape(
                file: recipe.data.path ?? "", dataset: recipe.data.labels, found: y.shape,
                expected: "[\(x.shape.first ?? 0)] (one label per input row)")
        }
    }
}
