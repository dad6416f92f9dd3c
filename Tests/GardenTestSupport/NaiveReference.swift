/// Slow, obviously correct Double implementations that kernels are compared against.
///
/// They index every element through its full multi-index (no strides, no fast paths), so they
/// share no logic with the kernels they check.
public enum NaiveReference {
    /// The NumPy broadcast of two concrete shapes; nil when they do not broadcast.
    public static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a
        let pb = [Int](repeating: 1, count: rank - b.count) + b
        var out: [Int] = []
        for (x, y) in zip(pa, pb) {
            guard x == y || x == 1 || y == 1 else { return nil }
            out.append(max(x, y))
        }
        return out
    }

    /// `op` applied elementwise under NumPy broadcasting.
    public static func broadcast(
        _ a: [Float], _ aShape: [Int], _ b: [Float], _ bShape: [Int],
        _ op: (Double, Double) -> Double
    ) -> (values: [Double], shape: [Int]) {
        guard let shape = broadcastShape(aShape, bShape) else {
            preconditionFailure(
                "NaiveReference.broadcast: \(aShape) and \(bShape) do not broadcast")
        }
        let count = shape.reduce(1, *)
        let values = (0..<count).map { i -> Double in
            let index = multiIndex(i, shape)
            return op(
                Double(a[sourceOffset(index, aShape)]), Double(b[sourceOffset(index, bShape)]))
        }
        return (values, shape)
    }

    /// The flat offset in an operand of `shape` read at output multi-index `index`: leading axes
    /// the operand lacks are dropped and its size-1 axes always read position 0.
    static func sourceOffset(_ index: [Int], _ shape: [Int]) -> Int {
        let lead = index.count - shape.count
        var offset = 0
        for d in 0..<shape.count {
            offset = offset * shape[d] + (shape[d] == 1 ? 0 : index[lead + d])
        }
        return offset
    }

    /// The sum over `axes` (negative axes count from the end), accumulated in Double.
    public static func sum(
        _ x: [Float], shape: [Int], axes: [Int], keepDims: Bool
    ) -> (values: [Double], shape: [Int]) {
        let reduced = Set(axes.map { $0 < 0 ? $0 + shape.count : $0 })
        let kept = shape.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element }
        var acc = [Double](repeating: 0, count: kept.reduce(1, *))
        for i in 0..<x.count {
            var index = multiIndex(i, shape)
            for d in reduced { index[d] = 0 }
            acc[sourceOffset(index, kept)] += Double(x[i])
        }
        let outShape =
            keepDims
            ? kept : shape.enumerated().filter { !reduced.contains($0.offset) }.map { $0.element }
        return (acc, outShape)
    }

    /// The mean over `axes`, accumulated in Double.
    public static func mean(
        _ x: [Float], shape: [Int], axes: [Int], keepDims: Bool
    ) -> (values: [Double], shape: [Int]) {
        let (s, outShape) = sum(x, shape: shape, axes: axes, keepDims: keepDims)
        let n = Set(axes.map { $0 < 0 ? $0 + shape.count : $0 }).map { shape[$0] }.reduce(1, *)
        return (s.map { $0 / Double(n) }, outShape)
    }
}
