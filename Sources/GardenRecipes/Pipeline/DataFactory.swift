import Foundation
import GardenHDF5
import GardenTensor
import GardenTrain

/// Loads the training data a recipe names: a deterministic synthetic set, or HDF5 datasets.
public enum DataFactory {
    public static func make(_ recipe: Recipe) throws -> InMemoryDataset {
        if case .bertPretrainer(let c) = recipe.model { return try BertFamily.dataset(recipe, c.encoder) }
        let d = recipe.data
        let seed = UInt64(truncatingIfNeeded: recipe.seed)
        let (x, y): (Tensor, Tensor)
        switch d.source {
        case .synthetic:
            switch recipe.model {
            case .mul:
                (x, y) = SyntheticData.line(count: d.numExamples, noise: d.noise, seed: seed)
            case .mlp(let c):
                (x, y) = SyntheticData.blobs(
                    count: d.numExamples, features: c.inputSize,
                    classes: c.numClasses, noise: d.noise, seed: seed)
            case .resnet(let c):
                (x, y) = ResNetFamily.syntheticData(recipe, c)
            case .bertPretrainer:
                preconditionFailure("BERT data is made by BertFamily.dataset above")
            }
        case .hdf5:
            (x, y) = try readHDF5(recipe)
            try checkRows(recipe, rows: y.shape.first ?? 0)
        case .text:
            // Recipe.validate() refuses data.source text for every model but bert_pretrainer.
            preconditionFailure(
                "data.source text reached DataFactory for model.type \(recipe.model.typeName)")
        }
        return InMemoryDataset(inputs: x, targets: y, batchSize: d.batchSize, seed: seed)
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

    static func readHDF5(_ recipe: Recipe) throws -> (Tensor, Tensor) {
        let d = recipe.data
        if case .resnet(let c) = recipe.model { return try ResNetFamily.readImages(recipe, c) }
        let path = d.path ?? ""
        let f = try HDF5File.open(at: URL(fileURLWithPath: path))
        defer { try? f.close() }
        let inputs = try f.read(d.inputs)
        guard let xs = inputs.floatValues else {
            throw DataError.wrongType(
                file: path, dataset: d.inputs, found: "\(inputs.dtype)", expected: "float32")
        }
        let x = Tensor(xs, shape: inputs.shape)
        let labels = try f.read(d.labels)
        let y: Tensor
        switch (recipe.model, labels) {
        case (.mul, _):
            guard let ys = labels.floatValues else {
                throw DataError.wrongType(
                    file: path, dataset: d.labels, found: "\(labels.dtype)",
                    expected: "float32 targets")
            }
            y = Tensor(ys, shape: labels.shape)
        case (.mlp(let c), .int32(let shape, let values)):
            y = Tensor(int32: values, shape: shape)
            if let bad = values.first(where: { $0 < 0 || Int($0) >= c.numClasses }) {
                throw DataError.badLabel(
                    file: path, dataset: d.labels, label: Int(bad), classes: c.numClasses)
            }
        case (.mlp(let c), .int64(let shape, let values)):
            if let bad = values.first(where: { $0 < 0 || Int($0) >= c.numClasses }) {
                throw DataError.badLabel(
                    file: path, dataset: d.labels, label: Int(bad), classes: c.numClasses)
            }
            y = Tensor(int32: values.map { Int32($0) }, shape: shape)
        case (.mlp, let other), (.resnet, let other), (.bertPretrainer, let other):  // resnet images and BERT text returned above
            throw DataError.wrongType(
                file: path, dataset: d.labels, found: "\(other.dtype)",
                expected: "int32 class labels")
        }
        if case .mlp(let c) = recipe.model, x.shape.count != 2 || x.shape[1] != c.inputSize {
            throw DataError.wrongShape(
                file: path, dataset: d.inputs, found: x.shape,
                expected: "[n, \(c.inputSize)] (model.input_size)")
        }
        guard x.shape.first == y.shape.first, y.shape.count == 1 else {
            throw DataError.wrongShape(
                file: path, dataset: d.labels, found: y.shape,
                expected: "[\(x.shape.first ?? 0)] (one label per input row)")
        }
        return (x, y)
    }
}

/// Training data that does not fit the model. Messages name the file and dataset.
public enum DataError: Error, LocalizedError {
    case wrongType(file: String, dataset: String, found: String, expected: String)
    case wrongShape(file: String, dataset: String, found: [Int], expected: String)
    case badLabel(file: String, dataset: String, label: Int, classes: Int)
    case tooFewRows(file: String, dataset: String, rows: Int, expected: String)
    /// Data that has the right type and shape but cannot train (e.g. a vocabulary of only
    /// special tokens).
    case unusable(file: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .wrongType(f, d, found, expected):
            return "\(f): dataset '\(d)' has dtype \(found), expected \(expected)"
        case let .wrongShape(f, d, found, expected):
            return "\(f): dataset '\(d)' has shape \(found), expected \(expected)"
        case let .badLabel(f, d, l, c):
            return "\(f): dataset '\(d)' has label \(l), expected 0..<\(c) (model.num_classes)"
        case let .tooFewRows(f, d, rows, expected):
            return "\(f): dataset '\(d)' has \(rows) rows, expected \(expected)"
        case let .unusable(f, reason): return "\(f): \(reason)"
        }
    }
}
