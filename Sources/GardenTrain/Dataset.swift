import GardenModels
import GardenTensor

/// Examples held in memory: inputs `[n, ...]` and targets `[n, ...]`, served in batches in an
/// order that depends only on (seed, epoch).
///
/// `batch(at:)` is a pure function of the step, so a resumed run reads exactly the batches an
/// uninterrupted run would have: the data position needs no state of its own.
public struct InMemoryDataset {
    public let inputs: Tensor
    public let targets: Tensor
    public let batchSize: Int
    public let seed: UInt64
    public var count: Int { inputs.shape[0] }

    public init(inputs: Tensor, targets: Tensor, batchSize: Int, seed: UInt64) {
        precondition(inputs.shape.first == targets.shape.first,
                     "dataset: \(inputs.shape[0]) inputs but \(targets.shape.first ?? 0) targets")
        self.inputs = inputs; self.targets = targets
        self.batchSize = min(batchSize, inputs.shape[0]); self.seed = seed
    }

    /// The permutation of example indices for an epoch (Fisher–Yates driven by Philox).
    public func order(epoch: Int) -> [Int] {
        var idx = Array(0..<count)
        let u = Philox(seed: seed, stream: stableHash("data/order") &+ UInt64(epoch)).uniform(count: count)
        for i in stride(from: count - 1, to: 0, by: -1) {
            let j = min(Int(u[i] * Float(i + 1)), i)
            idx.swapAt(i, j)
        }
        return idx
    }

    /// The batch for 0-based `step`: epochs are consumed in whole batches; a partial tail of an
    /// epoch is dropped so every batch has `batchSize` rows.
    public func batch(at step: Int) -> Batch {
        let perEpoch = max(count / batchSize, 1)
        let epoch = step / perEpoch, position = (step % perEpoch) * batchSize
        let rows = Array(order(epoch: epoch)[position..<position + batchSize])
        return Batch(inputs: [gatherRows(inputs, rows)], targets: gatherRows(targets, rows))
    }
}

/// Rows of `t` (along the first axis) in the given order.
public func gatherRows(_ t: Tensor, _ rows: [Int]) -> Tensor {
    let width = t.shape.dropFirst().reduce(1, *)
    let shape = [rows.count] + t.shape.dropFirst()
    switch t.dtype {
    case .float32:
        let src = t.floats
        var out = [Float](); out.reserveCapacity(rows.count * width)
        for r in rows { out.append(contentsOf: src[r * width..<(r + 1) * width]) }
        return Tensor(out, shape: shape)
    default:
        let src = t.int32s
        var out = [Int32](); out.reserveCapacity(rows.count * width)
        for r in rows { out.append(contentsOf: src[r * width..<(r + 1) * width]) }
        return Tensor(int32: out, shape: shape)
    }
}
