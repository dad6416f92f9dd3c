import Foundation
import GardenHDF5
import GardenModels
import GardenNN
import GardenTensor

/// `garden predict`: runs the Swift model on inputs from an HDF5 file and writes its outputs.
///
/// A single-input model reads dataset `inputs`; a single-output model writes `outputs`; dict
/// inputs and outputs use their names.
public enum Prediction {
    public static func run(_ recipe: Recipe, checkpoint: URL, input: URL, output: URL,
                           training: Bool, selection: PartSelection = PartSelection(),
                           seed: Int? = nil) throws {
        BLAS.setThreads(recipe.train.threads)
        let part = try ModelFactory.part(recipe, selection)
        let model = part.model
        try Restore.into(part, from: checkpoint)
        let sig = model.signature
        let f = try HDF5File.open(at: input)
        var inputs: [Tensor] = []
        for spec in sig.inputs {
            let name = sig.dictInputs ? spec.name : "inputs"
            let a = try f.read(name)
            switch spec.dtype {
            case .float32:
                guard let v = a.floatValues else {
                    throw DataError.wrongType(file: input.path, dataset: name, found: "\(a.dtype)", expected: "float32")
                }
                inputs.append(Tensor(v, shape: a.shape))
            default:
                guard case .int32(let shape, let v) = a else {
                    throw DataError.wrongType(file: input.path, dataset: name, found: "\(a.dtype)", expected: "int32")
                }
                inputs.append(Tensor(int32: v, shape: shape))
            }
            if let dims = spec.shape.dims {
                let ok = dims.count == a.shape.count && zip(dims, a.shape).allSatisfy { $0 == -1 || $0 == $1 }
                if !ok {
                    throw DataError.wrongShape(file: input.path, dataset: name, found: a.shape, expected: "\(spec.shape)")
                }
            }
        }
        try f.close()
        let ctx = ForwardContext(training: training, seed: UInt64(truncatingIfNeeded: seed ?? recipe.seed))
        let outs = model.call(inputs, ctx)
        try HDF5File.atomicallyWrite(to: output) { out in
            for (spec, t) in zip(sig.outputs, outs) {
                try out.write(t.floats, shape: t.shape, at: sig.dictOutputs ? spec.name : "outputs")
            }
        }
    }
}
