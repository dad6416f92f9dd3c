import Foundation
import GardenExport
import GardenTensor

/// Tiny models built straight from Parameters and Tensor ops, for the export tests (and, with
/// `GARDEN_EXPORT_DEBUG_DIR` set, for judging the files with real TensorFlow by hand).
enum SavedModelTestModels {
    /// The TF Hub docs' `mul` model: `v = 2`, `__call__(x) = x * v`, loss `0.001 * v²`.
    static func mul() -> (spec: SavedModelSpec, parameters: [Parameter]) {
        let v = Parameter(Tensor(2), path: "v")
        let input = TensorSpec(name: "inputs", dtype: .float32, shape: .unknownRank)
        let trace = { Tracer.trace(arguments: [input]) { xs in [("output_0", xs[0] * v.read())] } }
        let loss = Tracer.trace(arguments: []) { _ in [("loss", 0.001 * (v.read() * v.read()))] }
        let spec = SavedModelSpec(
            variables: [ExportedVariable(v)],
            call: CallFunction(training: trace(), inference: trace()),
            regularizationLosses: [loss])
        return (spec, [v])
    }

    /// Deterministic, odd-looking values so a transposed or swapped weight shows.
    static func values(_ shape: [Int], seed: Float) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor(
            (0..<n).map { i in (Float((i * 7 + Int(seed * 13)) % 17) - 8) / 10 + seed / 100 },
            shape: shape)
    }

    /// A 4→8→3 MLP with ReLU and dropout(0.5) in training, L2 loss 0.001·(‖w1‖² + ‖w2‖²),
    /// and a non-trainable `step` counter variable (exported, never read).
    static func mlp() -> (spec: SavedModelSpec, parameters: [Parameter]) {
        let w1 = Parameter(values([4, 8], seed: 1), path: "dense_0/kernel")
        let b1 = Parameter(values([8], seed: 2), path: "dense_0/bias")
        let w2 = Parameter(values([8, 3], seed: 3), path: "dense_1/kernel")
        let b2 = Parameter(values([3], seed: 4), path: "dense_1/bias")
        let step = Parameter(Tensor(int32: [7], shape: []), path: "step", trainable: false)
        let input = TensorSpec(name: "inputs", dtype: .float32, shape: Shape([-1, 4]))
        func trace(training: Bool) -> GraphFunction {
            Tracer.trace(arguments: [input]) { xs in
                var h = (xs[0].matmul(w1.read()) + b1.read()).relu()
                if training { h = h.dropout(rate: 0.5, seed: 1, stream: 0) }
                return [("logits", h.matmul(w2.read()) + b2.read())]
            }
        }
        let loss = Tracer.trace(arguments: []) { _ in
            [("l2", 0.001 * ((w1.read() * w1.read()).sum() + (w2.read() * w2.read()).sum()))]
        }
        let spec = SavedModelSpec(
            variables: [w1, b1, w2, b2, step].map { ExportedVariable($0) },
            call: CallFunction(training: trace(training: true), inference: trace(training: false)),
            regularizationLosses: [loss])
        return (spec, [w1, b1, w2, b2, step])
    }

    /// Dict inputs `b`, `a` (given unsorted on purpose) and dict outputs `sum`, `scaled`; a
    /// child `head` with its own `__call__` sharing `w`; an asset `vocab_file`; and a variable
    /// whose path collides with the reserved root name `variables`.
    static func dictModel() -> (spec: SavedModelSpec, parameters: [Parameter]) {
        let w = Parameter(values([3], seed: 5), path: "encoder/w")
        let clash = Parameter(values([2], seed: 6), path: "variables/odd")
        let inputs = [
            TensorSpec(name: "b", dtype: .float32, shape: Shape([-1, 3])),
            TensorSpec(name: "a", dtype: .float32, shape: Shape([-1, 3])),
        ]
        let trace = {
            Tracer.trace(arguments: inputs) { xs in
                [("sum", xs[0] + xs[1] * w.read()), ("scaled", xs[1] * 10)]
            }
        }
        let head = Tracer.trace(arguments: [
            TensorSpec(
                name: "features", dtype: .float32,
                shape: Shape([-1, 3]))
        ]) { xs in
            [("out", (xs[0] * w.read()).sum(axes: [1]))]
        }
        let spec = SavedModelSpec(
            variables: [ExportedVariable(w), ExportedVariable(clash)],
            call: CallFunction(
                training: trace(), inference: trace(),
                signature: Signature(
                    inputs: .named(["b": inputs[0], "a": inputs[1]]),
                    outputs: .named([
                        "sum": TensorSpec("sum", .float32, Shape([-1, 3])),
                        "scaled": TensorSpec("scaled", .float32, Shape([-1, 3])),
                    ]))),
            children: [ChildObject(name: "head", call: head, variables: ["weights": w])],
            assets: [
                ExportedAsset(
                    name: "vocab_file", filename: "vocab.txt",
                    contents: Data("[PAD]\nhello\nworld\n".utf8))
            ])
        return (spec, [w, clash])
    }

    /// Writes the three models under `GARDEN_EXPORT_DEBUG_DIR` when set (for manual TF checks).
    static func writeDebugExports() throws {
        guard let dir = ProcessInfo.processInfo.environment["GARDEN_EXPORT_DEBUG_DIR"] else {
            return
        }
        let base = URL(fileURLWithPath: dir)
        for (name, spec) in [("mul", mul().spec), ("mlp", mlp().spec), ("dict", dictModel().spec)] {
            try SavedModelWriter.write(spec, to: base.appendingPathComponent(name), overwrite: true)
        }
    }
}
