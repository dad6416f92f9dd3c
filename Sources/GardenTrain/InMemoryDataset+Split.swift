import GardenTensor

extension InMemoryDataset {
    /// Splits off `heldOut` examples for evaluation, chosen by a Philox permutation keyed by
    /// the seed (so sorted files still give a representative split); both parts keep their
    /// rows in the original order. The same (data, seed, heldOut) always gives the same split.
    /// - Parameter heldOut: The number of evaluation examples (0 gives an empty eval part).
    /// - Returns: The training part (batched like `self`) and the evaluation part.
    public func split(heldOut: Int) -> (train: InMemoryDataset, eval: InMemoryDataset?) {
        guard heldOut > 0, heldOut < count else { return (self, nil) }
        var idx = Array(0..<count)
        let u = Philox(seed: seed, stream: stableHash("data/split")).uniform(count: count)
        for i in stride(from: count - 1, to: 0, by: -1) {
            idx.swapAt(i, min(Int(u[i] * Float(i + 1)), i))
        }
        let evalRows = idx[..<heldOut].sorted(), trainRows = idx[heldOut...].sorted()
        return (subset(trainRows), subset(evalRows))
    }

    /// The examples at `rows`, in that order, with the same batch size and seed.
    public func subset(_ rows: [Int]) -> InMemoryDataset {
        InMemoryDataset(self.rows(rows), batchSize: batchSize, seed: seed)
    }

    /// Every example once, in order, in batches of `batchSize` (the last may be smaller):
    /// what evaluation reads.
    public func sequentialBatches() -> [Batch] {
        stride(from: 0, to: count, by: batchSize).map { start in
            rows(Array(start..<min(start + batchSize, count)))
        }
    }
}
