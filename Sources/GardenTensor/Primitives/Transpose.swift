/// Permutes the axes: output axis `i` is input axis `perm[i]`.
///
/// Shapes: `[d0, ..., dn]` → `[d_perm[0], ..., d_perm[n]]`. Kernel: walks the output in row-major
/// order with the input strides permuted, a run of the innermost output axis at a time (one copy
/// when that axis is the input's innermost too, as attention's head split `[0, 2, 1, 3]`), the
/// runs split over `ParallelFor` (a copy: the same bits at any split). vjp: the transpose by the
/// inverse permutation. TF: `Transpose` with an int32 `perm` constant (output `y`).
struct Transpose: Primitive {
    var perm: [Int]
    var name: String { "transpose" }

    func outputType(_ t: [TensorType]) -> TensorType {
        guard let dims = t[0].shape.dims else { return TensorType(t[0].dtype, .unknownRank) }
        precondition(
            perm.sorted() == Array(0..<dims.count),
            "transpose: perm \(perm) is not a permutation of the axes of \(t[0].shape)")
        return TensorType(t[0].dtype, Shape(perm.map { dims[$0] }))
    }

    func forward(_ x: [Tensor]) -> Tensor {
        let inShape = x[0].shape
        _ = outputType([TensorType(x[0].dtype, Shape(inShape))])
        let outShape = perm.map { inShape[$0] }
        let inStrides = rowMajorStrides(inShape)
        let step = perm.map { inStrides[$0] }
        let a = x[0].floats
        let n = a.count, rank = perm.count
        if rank == 0 || n == 0 { return Tensor(a, shape: outShape) }
        let last = outShape[rank - 1], lastStep = step[rank - 1]
        let out: [Float] = a.withUnsafeBufferPointer { p in
            parallelRows(count: n, length: last) { buf, part in
                // Only an empty tensor has no base address, and it has no runs either.
                guard let p = p.baseAddress else { return }
                withUnsafeTemporaryAllocation(of: Int.self, capacity: rank) { index in
                    guard let index = index.baseAddress else { return }
                    // The odometer at the part's first run, and its input offset.
                    var rest = part.lowerBound, src = 0
                    for d in stride(from: rank - 2, through: 0, by: -1) {
                        index[d] = rest % outShape[d]
                        rest /= outShape[d]
                        src += index[d] * step[d]
                    }
                    for run in part {
                        let o = run * last
                        if lastStep == 1 {
                            (buf + o).update(from: p + src, count: last)
                        } else {
                            for j in 0..<last { buf[o + j] = p[src + j * lastStep] }
                        }
                        advanceOdometer(
                            index, &src, shape: outShape, step: step, lastAxis: rank - 2)
                    }
                }
            }
        }
        return Tensor(out, shape: outShape)
    }

    func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool { false }
    var vjpReadsOutput: Bool { false }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        var inverse = [Int](repeating: 0, count: perm.count)
        for (i, p) in perm.enumerated() { inverse[p] = i }
        return [g.transposed(inverse)]
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        let id = tr.addNode(
            "Transpose", inputs: [x[0], tr.intConstant(perm)],
            attrs: ["T": .type(t[0].dtype), "Tperm": .type(.int32)])
        return .output(node: id, outputArg: "y", index: 0)
    }
}

extension Tensor {
    /// The axes permuted: output axis `i` is input axis `perm[i]` (float32).
    public func transposed(_ perm: [Int]) -> Tensor {
        perm == Array(0..<perm.count) && !isSymbolic ? self : apply(Transpose(perm: perm), [self])
    }
}
