/// A new array of `n` elements written by `fill(out, range)` over `ParallelFor`'s fixed
/// partition of `0..<n` (each element by exactly one part, so the result does not depend on the
/// thread count). `grain`: the least number of elements worth a thread.
@inline(__always)
func parallelArray<R>(
    count n: Int, grain: Int = ParallelFor.defaultGrain,
    _ fill: (UnsafeMutablePointer<R>, Range<Int>) -> Void
) -> [R] {
    [R](unsafeUninitializedCapacity: n) { buf, count in
        if let out = buf.baseAddress { ParallelFor.forEach(n, grain: grain) { fill(out, $0) } }
        count = n
    }
}

/// The element function of `broadcastBinary`, as a type so that the loops specialize on it.
protocol BinaryElementFunction {
    associatedtype Element: SIMDScalar
    static func apply(_ a: Element, _ b: Element) -> Element
    /// `apply` on four lanes at once (`mapElements(with:)`'s loop); each lane must equal
    /// `apply` on it. The default applies `apply` lane by lane.
    static func applyLanes(_ a: SIMD4<Element>, _ b: SIMD4<Element>) -> SIMD4<Element>
    /// For float functions, a C kernel (`CVectorMath`) that runs `applyLanes` in wider lanes
    /// with the same bits on this host, or nil (the default); `mapElements(with:)` hands it
    /// each thread's part whole.
    static var wideKernel: BinaryWideKernel? { get }
}

/// A `CVectorMath` kernel of two float operands: `(a, b, out, count)`.
typealias BinaryWideKernel =
    @convention(c) (
        UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int
    ) -> Void

extension BinaryElementFunction {
    @inline(__always)
    static func applyLanes(_ a: SIMD4<Element>, _ b: SIMD4<Element>) -> SIMD4<Element> {
        SIMD4(apply(a[0], b[0]), apply(a[1], b[1]), apply(a[2], b[2]), apply(a[3], b[3]))
    }

    static var wideKernel: BinaryWideKernel? { nil }
}

/// The broadcasting loop shared by the elementwise binary kernels, split over the threads by
/// output elements (equal shapes, a scalar side) or output rows (`parallelArray`).
///
/// Fast paths cover what the models do on every step: equal shapes, a scalar on either side, and a
/// trailing-vector broadcast on either side (`[.., n] op [n]`, a bias, and `[n] op [.., n]`).
/// Everything else walks the output index with per-operand strides (0 on broadcast axes).
@inline(__always)
func broadcastBinary<F: BinaryElementFunction>(
    _ a: [F.Element], _ aShape: [Int], _ b: [F.Element], _ bShape: [Int], outShape: [Int],
    _ f: F.Type
) -> [F.Element] {
    let n = outShape.reduce(1, *)
    return a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            broadcastBinary(pa, aShape, pb, bShape, outShape: outShape, count: n, f)
        }
    }
}

@inline(__always)
private func broadcastBinary<F: BinaryElementFunction>(
    _ pa: UnsafeBufferPointer<F.Element>, _ aShape: [Int], _ pb: UnsafeBufferPointer<F.Element>,
    _ bShape: [Int], outShape: [Int], count n: Int, _ f: F.Type
) -> [F.Element] {
    if aShape == bShape {
        return parallelArray(count: n) { out, r in for i in r { out[i] = F.apply(pa[i], pb[i]) } }
    }
    if pb.count == 1 {
        let s = pb[0]
        return parallelArray(count: n) { out, r in for i in r { out[i] = F.apply(pa[i], s) } }
    }
    if pa.count == 1 {
        let s = pa[0]
        return parallelArray(count: n) { out, r in for i in r { out[i] = F.apply(s, pb[i]) } }
    }
    if let last = bShape.last, bShape.count == 1, pa.count == n, aShape.last == last {
        return parallelRows(count: n, length: last) { out, rows in
            for row in rows {
                let i = row * last
                for j in 0..<last { out[i + j] = F.apply(pa[i + j], pb[j]) }
            }
        }
    }
    // The mirror image, `[n] op [.., n]` (batch norm's vjp scales by a per-channel vector).
    if let last = aShape.last, aShape.count == 1, pb.count == n, bShape.last == last {
        return parallelRows(count: n, length: last) { out, rows in
            for row in rows {
                let i = row * last
                for j in 0..<last { out[i + j] = F.apply(pa[j], pb[i + j]) }
            }
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
    return parallelRows(count: n, length: inner) { out, rows in
        // The odometer at the part's first row: its outer-axes index and operand offsets.
        var index = [Int](repeating: 0, count: max(rank - 1, 0))
        var ia = 0, ib = 0, rest = rows.lowerBound
        var d = rank - 2
        while d >= 0 {
            index[d] = rest % outShape[d]
            rest /= outShape[d]
            ia += index[d] * sa[d]; ib += index[d] * sb[d]
            d -= 1
        }
        for row in rows {
            let i = row * inner
            for j in 0..<inner { out[i + j] = F.apply(pa[ia + j * ja], pb[ib + j * jb]) }
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

/// `parallelArray` split by whole rows of `length` elements: `fill(out, rows)`.
@inline(__always)
func parallelRows<R>(
    count n: Int, length: Int, _ fill: (UnsafeMutablePointer<R>, Range<Int>) -> Void
) -> [R] {
    let rows = length == 0 ? 0 : n / length
    return [R](unsafeUninitializedCapacity: n) { buf, count in
        if let out = buf.baseAddress {
            ParallelFor.forEach(rows, grain: max(1, ParallelFor.defaultGrain / max(length, 1))) {
                fill(out, $0)
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
