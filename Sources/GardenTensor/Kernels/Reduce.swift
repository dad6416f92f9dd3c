/// Sums a Float32 buffer over `axes`, in a fixed order (so results are bitwise repeatable), with a
/// Double accumulator per output element.
func reduceSum(_ a: [Float], shape: [Int], axes: Set<Int>) -> (values: [Float], keptShape: [Int]) {
    let kept = shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
    let outCount = kept.reduce(1, *)
    if axes.isEmpty { return (a, kept) }
    var acc = [Double](repeating: 0, count: outCount)
    let rank = shape.count
    // Fast path: reducing a trailing block of axes (rows of a matrix).
    let trailing = axes.allSatisfy { $0 >= rank - axes.count }
    if trailing {
        // Split over the outputs (each one's row summed by one part), so the thread count does
        // not change a bit.
        let inner = a.count / max(outCount, 1)
        a.withUnsafeBufferPointer { p in
            acc.withUnsafeMutableBufferPointer { q in
                ParallelFor.forEach(
                    outCount, grain: max(1, ParallelFor.defaultGrain / max(inner, 1))
                ) {
                    outputs in
                    for o in outputs {
                        var s = 0.0
                        let base = o * inner
                        for j in 0..<inner { s += Double(p[base + j]) }
                        q[o] = s
                    }
                }
            }
        }
    } else if axes == Set(0..<axes.count) {
        // Fast path: reducing a leading block of axes (per-channel sums of NHWC tensors, bias
        // gradients). Each output adds its inputs in increasing index order, exactly as the
        // general walk below does, so the results are bitwise the same; the parts split the
        // outputs (columns), each walking every row.
        let inner = outCount
        let outer = a.count / max(inner, 1)
        a.withUnsafeBufferPointer { p in
            acc.withUnsafeMutableBufferPointer { q in
                ParallelFor.forEach(inner, grain: max(1, ParallelFor.defaultGrain / max(outer, 1)))
                {
                    columns in
                    for i in 0..<outer {
                        let base = i * inner
                        for j in columns { q[j] += Double(p[base + j]) }
                    }
                }
            }
        }
    } else {
        let outStrides = rowMajorStrides(kept)
        let step = (0..<rank).map { axes.contains($0) ? 0 : outStrides[$0] }
        var index = [Int](repeating: 0, count: rank)
        var o = 0
        a.withUnsafeBufferPointer { p in
            for i in 0..<p.count {
                acc[o] += Double(p[i])
                var d = rank - 1
                while d >= 0 {
                    index[d] += 1
                    o += step[d]
                    if index[d] < shape[d] { break }
                    o -= step[d] * shape[d]
                    index[d] = 0
                    d -= 1
                }
            }
        }
    }
    return (acc.map { Float($0) }, kept)
}

/// Normalizes possibly negative axes against `rank` and sorts them.
func normalizedAxes(_ axes: [Int], rank: Int, op: String) -> [Int] {
    let out = Set(axes.map { $0 < 0 ? $0 + rank : $0 }).sorted()
    precondition(
        out.allSatisfy { $0 >= 0 && $0 < rank }, "\(op): axes \(axes) out of range for rank \(rank)"
    )
    return out
}

/// The shape after reducing `axes` (kept as 1 or dropped).
func reducedShape(_ dims: [Int], axes: [Int], keepDims: Bool) -> [Int] {
    keepDims
        ? dims.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
        : dims.enumerated().filter { !axes.contains($0.offset) }.map { $0.element }
}
