import Foundation
import GardenTensor

/// Examples held in memory, all in one batch of the task's layout (`ExampleBatch`), served
/// in batches in an order that depends only on (seed, epoch).
///
/// `batch(at:)` is a pure function of the step, so a resumed run reads exactly the batches an
/// uninterrupted run would have: the data position needs no state of its own.
public struct InMemoryDataset<Batch: ExampleBatch> {
    /// Every example: each column has `count` rows.
    public let examples: Batch
    public let batchSize: Int
    public let seed: UInt64
    /// Examples in `examples`, kept: `ExampleBatch.rows` builds the list of columns to ask
    /// the first, and every batch asked for it three times.
    public let count: Int
    /// The last epoch's order: `batch(at:)` asks for the same epoch `count / batchSize` times in
    /// a row, and drawing the permutation anew each time was ~5 % of `garden train`'s mlp run.
    private let lastOrder = EpochOrderCache()

    /// - Parameters:
    ///   - examples: Every example; all its columns have the same number of rows.
    ///   - batchSize: Rows per batch (at most `examples.rows`).
    ///   - seed: Keys the order of every epoch.
    public init(_ examples: Batch, batchSize: Int, seed: UInt64) {
        let n = examples.rows
        precondition(n > 0, "dataset: no examples (each task refuses such data with its error)")
        for t in examples.columns {
            precondition(
                t.shape.first == n,
                "dataset: a tensor of shape \(t.shape) does not have \(n) rows like the first")
        }
        self.examples = examples; count = n
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
        let order = lastOrder.order(epoch: epoch) { self.order(epoch: $0) }
        // The batch's rows read in place from the epoch's order and each column's shape
        // edited, not built: two allocations a step less, the mlp's batch ~10 % faster.
        return order.withUnsafeBufferPointer {
            rows(UnsafeBufferPointer(rebasing: $0[position..<position + batchSize]))
        }
    }

    /// The examples at `rows`, in that order, as one batch.
    public func rows(_ rows: [Int]) -> Batch {
        rows.withUnsafeBufferPointer { self.rows($0) }
    }

    private func rows(_ rows: UnsafeBufferPointer<Int>) -> Batch {
        Batch(columns: examples.columns.map { gatherRows($0, rows) })
    }
}

/// Rows of `t` (along the first axis) in the given order.
public func gatherRows(_ t: Tensor, _ rows: [Int]) -> Tensor {
    rows.withUnsafeBufferPointer { gatherRows(t, $0) }
}

private func gatherRows(_ t: Tensor, _ rows: UnsafeBufferPointer<Int>) -> Tensor {
    var shape = t.shape
    let width = shape.dropFirst().reduce(1, *)
    shape[0] = rows.count
    switch t.dtype {
    case .float32:
        let values = [Float](unsafeUninitializedCapacity: rows.count * width) { out, count in
            t.floats.withUnsafeBytes { copyRows($0, rows, width: width, to: .init(out)) }
            count = rows.count * width
        }
        return Tensor(values, shape: shape)
    default:
        let values = [Int32](unsafeUninitializedCapacity: rows.count * width) { out, count in
            t.int32s.withUnsafeBytes { copyRows($0, rows, width: width, to: .init(out)) }
            count = rows.count * width
        }
        return Tensor(int32: values, shape: shape)
    }
}

/// `rows` of `width` four-byte elements each (both element types a tensor holds), copied
/// whole into memory that is not zeroed first, split over the threads by rows: `garden train`
/// gathers every batch while the step's threads wait (0.07 ms of the 784-256-10 MLP's 1.1 ms
/// step when one thread appended row by row). Bytes, not a generic element: the generic copy
/// went through the element type's value witnesses, a fifth of the mlp's 1.6 µs batch.
private func copyRows(
    _ source: UnsafeRawBufferPointer, _ rows: UnsafeBufferPointer<Int>, width: Int,
    to out: UnsafeMutableRawBufferPointer
) {
    guard let from = source.baseAddress, let to = out.baseAddress else { return }
    let rowBytes = width * 4
    let grain = max(1, ParallelFor.defaultGrain / max(width, 1))
    ParallelFor.forEach(rows.count, grain: grain) { part in
        // Rows of a few elements (the mlp's 4 features, a label) word by word: a `memcpy`
        // call per row cost more than its copy.
        for i in part {
            let (row, source) = (to + i * rowBytes, from + rows[i] * rowBytes)
            if width < 8 {
                for j in stride(from: 0, to: rowBytes, by: 4) {
                    row.storeBytes(
                        of: source.loadUnaligned(fromByteOffset: j, as: UInt32.self),
                        toByteOffset: j, as: UInt32.self)
                }
            } else {
                row.copyMemory(from: source, byteCount: rowBytes)
            }
        }
    }
}

/// One epoch's order, kept by the dataset (a class, so the struct's copies share it); the order
/// is a pure function of (seed, epoch), so the cache changes no batch.
private final class EpochOrderCache: @unchecked Sendable {
    private let lock = NSLock()
    private var epoch = -1
    private var indices: [Int] = []

    func order(epoch: Int, _ make: (Int) -> [Int]) -> [Int] {
        lock.lock()
        defer { lock.unlock() }
        if epoch != self.epoch {
            indices = make(epoch)
            self.epoch = epoch
        }
        return indices
    }
}
