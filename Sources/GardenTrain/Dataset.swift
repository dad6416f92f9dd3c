import GardenModels
import GardenTensor

/// Examples held in memory: one or more input tensors `[n, ...]` (in the model's signature
/// order), targets `[n, ...]` and named extra tensors `[n, ...]` (e.g. BERT's masked-LM ids and
/// weights), served in batches in an order that depends only on (seed, epoch).
///
/// `batch(at:)` is a pure function of the step, so a resumed run reads exactly the batches an
/// uninterrupted run would have: the data position needs no state of its own.
public struct InMemoryDataset {
    public let inputs: [Tensor]
    public let targets: Tensor
    public let features: [String: Tensor]
    public let batchSize: Int
    public let seed: UInt64
    public var count: Int { targets.shape[0] }

    /// A data set with a single input tensor.
    public init(inputs: Tensor, targets: Tensor, batchSize: Int, seed: UInt64) {
        self.init(inputs: [inputs], targets: targets, batchSize: batchSize, seed: seed)
    }

    /// A data set with several inputs and named extra tensors, all with the same first dimension.
    public init(
        inputs: [Tensor], targets: Tensor, features: [String: Tensor] = [:],
        batchSize: Int, seed: UInt64
    ) {
        let n = targets.shape.first ?? 0
        for t in inputs + Array(features.values) {
            precondition(
                t.shape.first == n,
                "dataset: a tensor of shape \(t.shape) does not have \(n) rows like the targets")
        }
        self.inputs = inputs; self.targets = targets; self.features = features
        self.batchSize = min(batchSize, n); self.seed = seed
    }

    /// The permutation of example indices for an epoch (Fisher–Yates driven by Philox).
    public func order(epoch: Int) -> [Int] {
        var idx = Array(0..<count)
        let u = Philox(seed: seed, stream: stableHash("data/order") &+ UInt64(epoch)).uniform(
            count: count)
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
        return Batch(
            inputs: inputs.map { gatherRows($0, rows) }, targets: gatherRows(targets, rows),
            features: features.mapValues { gatherRows($0, rows) })
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
