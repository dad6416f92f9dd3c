/// Reverse-mode autodiff: records each primitive applied to taped values with its vjp, then
/// walks the record backwards.
public final class Tape {
    struct Entry {
        var inputs: [Int?]
        var backward: ((Tensor) -> [Tensor?])?
        var shape: [Int]
        /// Whether the entry's vjp keeps its output alive (a parameter's value is alive anyway).
        var keepsOutput: Bool
    }

    private(set) var entries: [Entry] = []
    /// How to compute an entry's output again for a later vjp that reads it
    /// (`Primitive.recomputesOutput`), by entry; few entries have one.
    // Read for every recorded op: no dynamic exclusivity check (one thread owns a tape).
    @exclusivity(unchecked) private var recomputations: [Int: Recomputation] = [:]
    private var leaves: [ObjectIdentifier: (index: Int, parameter: Parameter)] = [:]
    private var leafOrder: [ObjectIdentifier] = []

    init() {}

    /// Runs `body` recording every op, then returns the value of the scalar it returns and the
    /// gradient of that value with respect to each trainable parameter read in `body`.
    ///
    /// Parameters that were not read get no entry; a parameter read twice (tied weights) gets
    /// the sum of both paths.
    public static func valueWithGradients(
        _ body: () throws -> Tensor
    ) rethrows -> (value: Tensor, gradients: [(Parameter, Tensor)]) {
        let tape = Tape()
        let saved = ExecutionContext.current
        precondition(saved.tracer == nil, "Tape inside a trace is not supported")
        ExecutionContext.current = ExecutionContext(tape: tape, tracer: nil)
        let loss: Tensor
        do {
            loss = try body()
        } catch {
            ExecutionContext.current = saved
            throw error
        }
        ExecutionContext.current = saved
        let grads = tape.backward(from: loss)
        let result: [(Parameter, Tensor)] = tape.leafOrder.compactMap { key in
            guard let leaf = tape.leaves[key], let g = grads[leaf.index] else { return nil }
            return (leaf.parameter, g)
        }
        return (loss.detached, result)
    }

    func leaf(for parameter: Parameter) -> Tensor {
        let key = ObjectIdentifier(parameter)
        if let leaf = leaves[key] { return parameter.value.onTape(leaf.index) }
        let index = entries.count
        entries.append(
            Entry(inputs: [], backward: nil, shape: parameter.value.shape, keepsOutput: true))
        leaves[key] = (index, parameter)
        leafOrder.append(key)
        return parameter.value.onTape(index)
    }

    func record(
        inputs: [Int?], shape: [Int], keepsOutput: Bool, recompute: Recomputation?,
        backward: @escaping (Tensor) -> [Tensor?]
    ) -> Int {
        entries.append(
            Entry(inputs: inputs, backward: backward, shape: shape, keepsOutput: keepsOutput))
        if let recompute { recomputations[entries.count - 1] = recompute }
        return entries.count - 1
    }

    /// Whether any entry's output can be recomputed.
    var recomputes: Bool { !recomputations.isEmpty }

    /// Whether entry `index`'s output stays alive until its vjp has run.
    func keepsOutput(of index: Int) -> Bool { entries[index].keepsOutput }

    /// How to compute entry `index`'s output again, if its primitive recomputes it.
    func recomputation(of index: Int) -> Recomputation? { recomputations[index] }

    private func backward(from loss: Tensor) -> [Tensor?] {
        var grads = [Tensor?](repeating: nil, count: entries.count)
        guard let root = loss.tapeIndex else { return grads }
        grads[root] = Tensor.ones(loss.shape)
        // Backward runs eagerly: no tape, no tracer.
        let saved = ExecutionContext.current
        ExecutionContext.current = ExecutionContext(tape: nil, tracer: nil)
        defer { ExecutionContext.current = saved }
        for i in stride(from: root, through: 0, by: -1) {
            guard let g = grads[i], let backward = entries[i].backward else { continue }
            let inputGrads = backward(g)
            // The vjp holds the tensors its forward saved: let them go once it has run, so the
            // activations shrink as the gradients grow instead of all staying to the end.
            entries[i].backward = nil
            if recomputes { recomputations[i] = nil }
            for (k, input) in entries[i].inputs.enumerated() {
                guard let j = input, k < inputGrads.count, let ig = inputGrads[k] else { continue }
                grads[j] = grads[j].map { $0 + ig } ?? ig
            }
            grads[i] = nil  // free intermediate gradients as soon as they are used
        }
        return grads
    }
}
