/// Per-channel statistics and normalization of NHWC (channels-last) tensors.
enum BatchNormKernels {
    /// The biased mean and variance of each of the `channels` trailing-axis channels, over every
    /// other axis. Two passes with Double accumulators in a fixed order, so the result is
    /// repeatable and does not suffer `E[x²] - E[x]²` cancellation.
    static func moments(_ x: [Float], channels c: Int) -> (mean: [Float], variance: [Float]) {
        let rows = c == 0 ? 0 : x.count / c
        var sum = [Double](repeating: 0, count: c)
        var squares = [Double](repeating: 0, count: c)
        x.withUnsafeBufferPointer { p in
            for r in 0..<rows {
                for j in 0..<c { sum[j] += Double(p[r * c + j]) }
            }
            let mean = sum.map { $0 / Double(max(rows, 1)) }
            for r in 0..<rows {
                for j in 0..<c {
                    let d = Double(p[r * c + j]) - mean[j]
                    squares[j] += d * d
                }
            }
        }
        let n = Double(max(rows, 1))
        return (sum.map { Float($0 / n) }, squares.map { Float($0 / n) })
    }

    /// `(x - mean) * scale / sqrt(variance + epsilon) + offset`, per channel.
    static func normalize(
        _ x: [Float], mean: [Float], variance: [Float], scale: [Float],
        offset: [Float], epsilon: Float
    ) -> [Float] {
        let c = mean.count
        // Fold the per-channel affine map into one multiply-add per element.
        var a = [Float](repeating: 0, count: c), b = [Float](repeating: 0, count: c)
        for j in 0..<c {
            a[j] = scale[j] / (variance[j] + epsilon).squareRoot()
            b[j] = offset[j] - mean[j] * a[j]
        }
        return [Float](unsafeUninitializedCapacity: x.count) { out, count in
            x.withUnsafeBufferPointer { p in
                var i = 0
                while i < p.count {
                    for j in 0..<c { out[i + j] = p[i + j] * a[j] + b[j] }
                    i += c
                }
            }
            count = x.count
        }
    }
}
