import Foundation
import GardenHDF5
import GardenModels
import GardenNN
import GardenTensor
import GardenTrain

/// `garden predict`: runs the Swift model on inputs from an HDF5 file and writes its outputs.
///
/// A single-input model reads dataset `inputs`; a single-output model writes `outputs`; dict
/// inputs and outputs use their names.
public enum Prediction {
    ///
    /// The output is refused up front when it exists (unless `overwrite`), is not a regular
    /// file, is one of the inputs (`checkpoint`, `input`, `protectedInputs` such as the
    /// recipe), or lies in the checkpoints directory; it is written atomically.
    public static func run(
        _ recipe: Recipe, checkpoint: URL, input: URL, output: URL,
        training: Bool, selection: PartSelection = PartSelection(),
        seed: Int? = nil, overwrite: Bool = false,
        protectedInputs: [(role: String, url: URL)] = []
    ) throws {
        let checkpointFile = try Checkpoint.resolve(checkpoint)
        try OutputTarget.checkFile(
            output, overwrite: overwrite,
            inputs: [("checkpoint", checkpointFile), ("input file", input)] + protectedInputs)
        try OutputTarget.checkOutsideCheckpoints(output, checkpoint: checkpoint)
        try BLASKernel.start(threads: recipe.train.threads)
        var part = try ModelFactory.part(recipe, selection)
        let model = part.model
        // String inputs (`--part preprocess`) only run in TensorFlow: the tokenizer's ops have
        // no Swift kernel (its Swift twin is `garden tokenize`).
        if model.signature.inputs.leaves.contains(where: { $0.dtype == .string }) {
            throw PartError(
                "--part \(selection.part ?? "preprocess"): the preprocessing takes strings and runs only in TensorFlow (export it); garden tokenize gives its ids"
            )
        }
        try Restore.into(&part, from: checkpointFile)
        let sig = model.signature
        let f = try HDF5File.open(at: input)
        var inputs: [Tensor] = []
        let dictInputs = sig.inputs.leaf == nil
        for spec in sig.inputs.leaves {
            let name = dictInputs ? spec.name : "inputs"
            let a = try f.read(name)
            switch spec.dtype {
            case .float32:
                guard let v = a.floatValues else {
                    throw DataError.wrongType(
                        file: input.path, dataset: name, found: "\(a.dtype)", expected: "float32")
                }
                inputs.append(Tensor(v, shape: a.shape))
            default:
                guard case .int32(let shape, let v) = a else {
                    throw DataError.wrongType(
                        file: input.path, dataset: name, found: "\(a.dtype)", expected: "int32")
                }
                inputs.append(Tensor(int32: v, shape: shape))
            }
            if let dims = spec.shape.dims {
                let ok =
                    dims.count == a.shape.count
                    && zip(dims, a.shape).allSatisfy { $0 == -1 || $0 == $1 }
                if !ok {
                    throw DataError.wrongShape(
                        file: input.path, dataset: name, found: a.shape, expected: "\(spec.shape)")
                }
            }
        }
        try f.close()
        if let validating = model as? InputValidating {
            do {
                try validating.validate(inputs)
            } catch let error as ModelInputError {
                throw PredictionError.invalidInput(file: input.path, problem: "dataset \(error)")
            }
        }
        let ctx = ForwardContext(
            training: training, seed: UInt64(truncatingIfNeeded: seed ?? recipe.seed))
        let outs = model.call(leaves: inputs, ctx)
        let dictOutputs = sig.outputs.leaf == nil
        try HDF5File.atomicallyWrite(to: output) { out in
            for (spec, t) in zip(sig.outputs.leaves, outs.leaves) {
                try out.write(t.floats, shape: t.shape, at: dictOutputs ? spec.name : "outputs")
            }
        }
    }
}

/// Inputs `garden predict` read but the model cannot run on.
public enum PredictionError: Error, LocalizedError, Equatable {
    case invalidInput(file: String, problem: String)

    public var errorDescription: String? {
        switch self {
        case .invalidInput(let file, let problem): return "\(file): \(problem)"
        }
    }
}
