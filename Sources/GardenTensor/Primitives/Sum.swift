/// Sum over axes. Shapes: `[d0, ..., dn]` → the same without `axes` (or with them as 1 when
/// `keepDims`). TF: `Sum` with an int32 `reduction_indices` constant.
struct Sum: Primitive {
    var axes: [Int]
    var keepDims: Bool
    var name: String { "sum" }

    func resolved(_ rank: Int) -> [Int] { normalizedAxes(axes, rank: rank, op: name) }

    func outputType(_ t: [TensorType]) -> TensorType {
        guard let dims = t[0].shape.dims else {
            return TensorType(t[0].dtype, .unknownRank)
        }
        return TensorType(
            t[0].dtype, Shape(reducedShape(dims, axes: resolved(dims.count), keepDims: keepDims)))
    }

    func forward(_ x: [Tensor]) -> Tensor {
        let ax = resolved(x[0].rank)
        let (v, _) = reduceSum(x[0].floats, shape: x[0].shape, axes: Set(ax))
        return Tensor(v, shape: reducedShape(x[0].shape, axes: ax, keepDims: keepDims))
    }

    func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool { false }
    var vjpReadsOutput: Bool { false }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        let kept = reducedShape(x[0].shape, axes: resolved(x[0].rank), keepDims: true)
        return [g.reshaped(kept).broadcast(to: x[0].shape)]
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        // Negative axes are valid in TF too, so an unknown rank needs no resolving.
        let ax = t[0].shape.rank.map { resolved($0) } ?? axes
        let id = tr.addNode(
            "Sum", inputs: [x[0], tr.intConstant(ax)],
            attrs: ["T": .type(t[0].dtype), "keep_dims": .bool(keepDims)])
        return .output(node: id, outputArg: "output", index: 0)
    }
}

extension Tensor {
    /// Sum over `axes` (all axes when nil).
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        apply(Sum(axes: axes ?? Array(0..<rank), keepDims: keepDims), [self])
    }

    /// This tensor repeated along broadcast axes to `shape` (NumPy rules).
    public func broadcast(to target: [Int]) -> Tensor {
        shape == target ? self : self + Tensor.zeros(target)
    }
}
