import GardenTensor

/// Deterministic synthetic data sets, drawn from Philox keyed by the recipe seed.
public enum SyntheticData {
    /// Pairs `(x, slope * x + noise)` with `x` uniform in [-2, 2]: what the `mul` model fits.
    public static func line(count: Int, slope: Float = 3, noise: Float, seed: UInt64) -> (
        Tensor, Tensor
    ) {
        let g = Philox(seed: seed, stream: stableHash("data/line"))
        let x = g.uniform(count: count).map { $0 * 4 - 2 }
        let e = g.normal(count: count, offset: UInt64(count))
        return (
            Tensor(x, shape: [count]),
            Tensor(zip(x, e).map { slope * $0 + noise * $1 }, shape: [count])
        )
    }

    /// Gaussian blobs around `classes` random centers (standard deviation 0.5 per feature) in `features` dimensions:
    /// a classification task an MLP separates, with `noise` as the blob standard deviation.
    public static func blobs(count: Int, features: Int, classes: Int, noise: Float, seed: UInt64)
        -> (Tensor, Tensor)
    {
        let g = Philox(seed: seed, stream: stableHash("data/blobs"))
        let centers = g.normal(count: classes * features).map { $0 * 0.5 }
        let labelDraws = g.uniform(count: count, offset: 1 << 32)
        let jitter = g.normal(count: count * features, offset: 2 << 32)
        var x = [Float](repeating: 0, count: count * features)
        var y = [Int32](repeating: 0, count: count)
        for i in 0..<count {
            let c = min(Int(labelDraws[i] * Float(classes)), classes - 1)
            y[i] = Int32(c)
            for f in 0..<features {
                x[i * features + f] = centers[c * features + f] + noise * jitter[i * features + f]
            }
        }
        return (Tensor(x, shape: [count, features]), Tensor(int32: y, shape: [count]))
    }
}
