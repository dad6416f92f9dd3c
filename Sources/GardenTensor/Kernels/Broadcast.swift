/// The broadcasting loop shared by the elementwise binary kernels.
///
/// Fast paths cover what the models do on every step: equal shapes, a scalar on either side, and a
/// trailing-vector broadcast on either side (`[.., n] op [n]`, a bias, and `[n] op [.., n]`).
/// Everything else walks the output index with per-operand strides (0 on broadcast axes).
@inline(__always)
func broadcastBinary<T, R>(
    _ a: [T], _ aShape: [Int], _ b: [T], _ bShape: [Int], outShape: [Int],
    _ f: (T, T) -> R
) -> [R] {
    let n = outShape.reduce(1, *)
    if aShape == bShape {
        return [R](unsafeUninitializedCapacity: n) { buf, count in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    for i in 0..<n { buf[i] = f(pa[i], pb[i]) }
                }
            }
            count = n
        }
    }
    if b.count == 1 {
        let s = b[0]
        return a.map { f($0, s) }
    }
    if a.count == 1 {
        let s = a[0]
        return b.map { f(s, $0) }
    }
    if let last = bShape.last, bShape.count == 1, a.count == n, aShape.last == last {
        return [R](unsafeUninitializedCapacity: n) { buf, count in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    var i = 0
                    while i < n {
                        for j in 0..<last { buf[i + j] = f(pa[i + j], pb[j]) }
                        i += last
                    }
                }
            }
            count = n
        }
    }
    // The mirror image, `[n] op [.., n]` (batch norm's vjp scales by a per-channel vector).
    if let last = aShape.last, aShape.count == 1, b.count == n, bShape.last == last {
        return [R](unsafeUninitializedCapacity: n) { buf, count in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    var i = 0
                    while i < n {
                        for j in 0..<last { buf[i + j] = f(pa[j], pb[i + j]) }
                        i += last
                    }
                }
            }
            count = n
        }
    }
    let rank = outShape.count
    func strides(_ shape: [Int]) -> [Int] {
        let padded = [Int](repeating: 1, count: rank - shape.count) + shape
        let s = rowMajorStrides(padded)
        return (0..<rank).map { padded[$0] == 1 ? 0 : s[$0] }
    }
    let sa = strides(aShape), sb = strides(bShape)
    // Rows of the last axis in a tight loop (each operand's stride there is 0 or 1), the odometer
    // only between rows: layer norm's `[.., n] op [.., 1]` and attention's bias `[b, h, s, s] +
    // [b, 1, 1, s]` take this path on every step. Same pairs, same order as an element walk.
    let inner = rank > 0 ? outShape[rank - 1] : 1
    let (ja, jb) = rank > 0 ? (sa[rank - 1], sb[rank - 1]) : (0, 0)
    var index = [Int](repeating: 0, count: rank)
    return [R](unsafeUninitializedCapacity: n) { buf, count in
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                var ia = 0, ib = 0, i = 0
                while i < n {
                    for j in 0..<inner { buf[i + j] = f(pa[ia + j * ja], pb[ib + j * jb]) }
                    i += inner
                    // Odometer increment of the outer axes, updating both operand offsets.
                    var d = rank - 2
                    while d >= 0 {
                        index[d] += 1
                        ia += sa[d]; ib += sb[d]
                        if index[d] < outShape[d] { break }
                        ia -= sa[d] * outShape[d]; ib -= sb[d] * outShape[d]
                        index[d] = 0
                        d -= 1
                    }
                }
            }
        }
        count = n
    }
}

extension Tensor {
    /// Sums a broadcast gradient back to `shape`: over the leading axes `shape` lacks and over the
    /// axes where `shape` has size 1. The one place broadcasting is undone.
    public func unbroadcast(to target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        var axes = Array(0..<lead)
        for (i, d) in target.enumerated() where d == 1 && shape[lead + i] != 1 {
            axes.append(lead + i)
        }
        let summed = axes.isEmpty ? self : sum(axes: axes, keepDims: true)
        return summed.reshaped(target)
    }
}
