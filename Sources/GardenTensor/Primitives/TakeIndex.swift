/// One index along one axis, with that axis removed: `x[:, i]` (the pooler's first token).
///
/// Shapes: `[d0, ..., d_axis, ..., dn]` → the same without `d_axis`. Kernel: one contiguous block
/// copy per leading index. vjp: the gradient placed at `index` (zeros elsewhere), as a broadcast
/// product with a one-hot mask. TF: `StridedSlice` with `begin`/`end` selecting `index` on `axis`,
/// every other axis masked in `begin_mask`/`end_mask`, and `shrink_axis_mask` on `axis`; for
/// `x[:, 0, :]` that is begin `[0,0,0]`, end `[0,1,0]`, strides `[1,1,1]`, masks 5, 5, 2.
struct TakeIndex: Primitive {
    var axis: Int
    var index: Int
    var name: String { "take_index" }

    func outputType(_ t: [TensorType]) -> TensorType {
        guard var dims = t[0].shape.dims, axis >= 0, axis < dims.count else {
            preconditionFailure("take_index: axis \(axis) out of range for \(t[0].shape)")
        }
        precondition(
            index >= 0 && (dims[axis] < 0 || index < dims[axis]),
            "take_index: index \(index) out of range for axis \(axis) of \(t[0].shape)")
        dims.remove(at: axis)
        return TensorType(t[0].dtype, Shape(dims))
    }

    func forward(_ x: [Tensor]) -> Tensor {
        let shape = x[0].shape
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        let n = shape[axis]
        let a = x[0].floats
        let out = [Float](unsafeUninitializedCapacity: outer * inner) { buf, count in
            a.withUnsafeBufferPointer { p in
                for o in 0..<outer {
                    let src = (o * n + index) * inner
                    for j in 0..<inner { buf[o * inner + j] = p[src + j] }
                }
            }
            count = outer * inner
        }
        var dims = shape
        dims.remove(at: axis)
        return Tensor(out, shape: dims)
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        let n = x[0].shape[axis]
        var maskShape = [Int](repeating: 1, count: x[0].rank)
        maskShape[axis] = n
        let mask = Tensor((0..<n).map { $0 == index ? 1 : 0 }, shape: maskShape)
        return [g.expandingDims(at: axis) * mask]
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        guard let rank = t[0].shape.rank else {
            preconditionFailure("take_index: lowering needs a known rank")
        }
        var begin = [Int](repeating: 0, count: rank), end = begin
        begin[axis] = index
        end[axis] = index + 1
        let others = ((1 << rank) - 1) & ~(1 << axis)
        let id = tr.addNode(
            "StridedSlice",
            inputs: [
                x[0], tr.intConstant(begin), tr.intConstant(end),
                tr.intConstant([Int](repeating: 1, count: rank)),
            ],
            attrs: [
                "T": .type(t[0].dtype), "Index": .type(.int32), "begin_mask": .int(others),
                "end_mask": .int(others), "shrink_axis_mask": .int(1 << axis),
            ])
        return .output(node: id, outputArg: "output", index: 0)
    }
}

extension Tensor {
    /// The slice at `index` along `axis`, with that axis removed (`x[:, 0]` is
    /// `x.taking(index: 0, alongAxis: 1)`).
    public func taking(index: Int, alongAxis axis: Int) -> Tensor {
        apply(TakeIndex(axis: axis, index: index), [self])
    }
}
