import CVectorMath

/// Sums a Float32 buffer over `axes`, in a fixed order (so results are bitwise repeatable), with a
/// Double accumulator per output element. `wideLanes` (AVX2 and AVX-512 hosts): the column sums
/// of a leading block of axes run as `CVectorMath`'s eight-column vectors, with the same bits.
func reduceSum(
    _ a: [Float], shape: [Int], axes: Set<Int>, wideLanes: Bool = VectorMath.hasWideLanes
) -> (values: [Float], keptShape: [Int]) {
    let kept = shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
    let outCount = kept.reduce(1, *)
    if axes.isEmpty { return (a, kept) }
    var acc = [Double](repeating: 0, count: outCount)
    let rank = shape.count
    // Fast path: reducing a trailing block of axes (rows of a matrix).
    let trailing = axes.allSatisfy { $0 >= rank - axes.count }
    if trailing {
        // Split over the outputs (each one's row summed by one part, in `laneSum`'s order), so the
        // thread count does not change a bit; a single output is a `blockedSum`.
        let inner = a.count / max(outCount, 1)
        a.withUnsafeBufferPointer { p in
            acc.withUnsafeMutableBufferPointer { q in
                guard let p = p.baseAddress else { return }
                if outCount == 1 {
                    q[0] = blockedSum(p, count: inner)
                    return
                }
                ParallelFor.forEach(
                    outCount, grain: max(1, ParallelFor.defaultGrain / max(inner, 1))
                ) {
                    outputs in
                    for o in outputs { q[o] = laneSum(p + o * inner, count: inner, squares: false) }
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
                    if wideLanes, let p = p.baseAddress, let q = q.baseAddress {
                        let first = columns.lowerBound
                        cvectormath_column_sums(
                            p + first, nil, outer, inner, columns.count, q + first, nil)
                        return
                    }
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
        var o = 0
        a.withUnsafeBufferPointer { p in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: rank) { index in
                guard let index = index.baseAddress else { return }
                index.initialize(repeating: 0, count: rank)
                for i in 0..<p.count {
                    acc[o] += Double(p[i])
                    advanceOdometer(index, &o, shape: shape, step: step, lastAxis: rank - 1)
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

/// Elements per block of `blockedSum`.
let sumBlock = 16_384

/// The Double sum of `p[0..<n]`, or of their squares (`Double(x)·Double(x)`), in an order that
/// depends only on `n`: blocks of `sumBlock` elements, each a `laneSum`, the blocks' sums then
/// added in order. The blocks go to `ParallelFor`'s threads, so the result is the same at every
/// thread count. One running sum of 200 k elements was a chain of dependent additions
/// (~0.3 ms, the L2 penalty of the 784-256-10 MLP's kernel and the global gradient norm).
func blockedSum(_ p: UnsafePointer<Float>, count n: Int, squares: Bool = false) -> Double {
    if n <= sumBlock { return laneSum(p, count: n, squares: squares) }
    return perSumBlock(n, initial: 0.0) { laneSum(p + $0, count: $1, squares: squares) }
        .reduce(0, +)
}

/// `body(first, count)` for each block of `sumBlock` elements of `0..<n`, the blocks over
/// `ParallelFor`'s threads; the results in block order.
private func perSumBlock<R>(_ n: Int, initial: R, _ body: (Int, Int) -> R) -> [R] {
    let blocks = (n + sumBlock - 1) / sumBlock
    var results = [R](repeating: initial, count: blocks)
    results.withUnsafeMutableBufferPointer { out in
        ParallelFor.forEach(blocks, grain: 1) { part in
            for b in part {
                let first = b * sumBlock
                out[b] = body(first, min(sumBlock, n - first))
            }
        }
    }
    return results
}

/// The Double sum of `p[0..<n]` (or of their squares) in four interleaved lanes, element `j`
/// in lane `j % 4` up to the last whole group of four, added as `(l0 + l1) + (l2 + l3)`, then the
/// remaining elements in order: four independent chains instead of one.
@inline(__always)
func laneSum(_ p: UnsafePointer<Float>, count n: Int, squares: Bool) -> Double {
    var lanes = SIMD4<Double>()
    var j = 0
    if squares {
        while j + 4 <= n {
            let v = SIMD4<Double>(
                Double(p[j]), Double(p[j + 1]), Double(p[j + 2]), Double(p[j + 3]))
            lanes += v * v
            j += 4
        }
    } else {
        while j + 4 <= n {
            lanes += SIMD4<Double>(
                Double(p[j]), Double(p[j + 1]), Double(p[j + 2]), Double(p[j + 3]))
            j += 4
        }
    }
    var total = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
    while j < n {
        let v = Double(p[j])
        total += squares ? v * v : v
        j += 1
    }
    return total
}

extension Tensor {
    /// The sum of this float tensor's squared elements, in Double and `blockedSum`'s fixed order:
    /// a value, not an op (nothing taped or traced); the global gradient norm's terms.
    public var squaredL2Norm: Double {
        floats.withUnsafeBufferPointer { p in
            p.baseAddress.map { blockedSum($0, count: p.count, squares: true) } ?? 0
        }
    }

    /// Whether every element of this float tensor is finite (no infinity, no NaN): a check of
    /// each exponent field, eight lanes of integer operations at a time, where the sum of
    /// squares is a chain of Double additions.
    public var isAllFinite: Bool {
        floats.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return true }
            return !perSumBlock(p.count, initial: false) { hasNonFinite(base + $0, count: $1) }
                .contains(true)
        }
    }
}

/// Whether any of `p[0..<n]` has an all-ones exponent (±infinity or NaN): adding 2²³ to the
/// exponent field carries into bit 31 exactly then, and the lanes OR those carries together.
@inline(__always)
private func hasNonFinite(_ p: UnsafePointer<Float>, count n: Int) -> Bool {
    let exponent: UInt32 = 0x7F80_0000, carry: UInt32 = 0x0080_0000
    var lanes = SIMD8<UInt32>()
    var j = 0
    while j + 8 <= n {
        let bits = UnsafeRawPointer(p + j).loadUnaligned(as: SIMD8<UInt32>.self)
        lanes |= (bits & exponent) &+ carry
        j += 8
    }
    var any = lanes.lowHalf | lanes.highHalf
    while j < n {
        any[0] |= (p[j].bitPattern & exponent) &+ carry
        j += 1
    }
    return (any[0] | any[1] | any[2] | any[3]) & 0x8000_0000 != 0
}
