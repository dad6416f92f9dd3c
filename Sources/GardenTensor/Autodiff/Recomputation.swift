/// How a tape entry's output is computed again, in the backward pass, for the vjps that read it
/// instead of being kept from the forward (`Primitive.recomputesOutput`).
///
/// Its inputs are values that stay alive anyway or other entries' recomputations (a bias after a
/// recomputed product). Readers register during the forward pass; the value is computed at the
/// first read and kept only until the last registered reader has read it, so an output that two
/// readers need (GELU's input: GELU's vjp, and GELU's own recomputation for the product after
/// it) costs one computation and lives no longer than they need it.
final class Recomputation {
    enum Input {
        case value(Tensor)
        case recomputed(Recomputation)
    }

    private let inputs: [Input]
    private let compute: ([Tensor]) -> Tensor
    private var readers = 0
    private var hasReaders = false
    private var value: Tensor?

    init(inputs: [Input], compute: @escaping ([Tensor]) -> Tensor) {
        self.inputs = inputs; self.compute = compute
    }

    /// Registers one read to come. The first registration registers this recomputation as a
    /// reader of the recomputations it computes from: one that nobody reads reads nothing.
    func addReader() {
        if !hasReaders {
            hasReaders = true
            for case .recomputed(let source) in inputs { source.addReader() }
        }
        readers += 1
    }

    /// The output again, for one registered reader.
    func read() -> Tensor {
        let result =
            value
            ?? compute(
                inputs.map {
                    switch $0 {
                    case .value(let t): return t
                    case .recomputed(let source): return source.read()
                    }
                })
        readers -= 1
        value = readers > 0 ? result : nil
        return result
    }
}
