/// Mean over axes. Shapes as `Sum`. TF: `Mean` (a primitive rather than sum/count because inside a
/// trace the count may be unknown, e.g. over the batch).
struct Mean: Primitive {
    var axes: [Int]
    var keepDims: Bool
    var name: String { "mean" }

    func resolved(_ rank: Int) -> [Int] { normalizedAxes(axes, rank: rank, op: name) }

    func outputType(_ t: [TensorType]) -> TensorType {
        precondition(t[0].dtype == .float32, "mean: expects float32, got \(t[0].dtype)")
        guard let dims = t[0].shape.dims else { return TensorType(.float32, .unknownRank) }
        return TensorType(
            .float32, Shape(reducedShape(dims, axes: resolved(dims.count), keepDims: keepDims)))
    }

    func count(_ shape: [Int]) -> Int { resolved(shape.count).map { shape[$0] }.reduce(1, *) }

    func forward(_ x: [Tensor]) -> Tensor {
        let ax = resolved(x[0].rank)
        let (v, _) = reduceSum(x[0].floats, shape: x[0].shape, axes: Set(ax))
        let n = Float(max(count(x[0].shape), 1))
        return Tensor(
            v.map { $0 / n }, shape: reducedShape(x[0].shape, axes: ax, keepDims: keepDims))
    }

    func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool { false }
    var vjpReadsOutput: Bool { false }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        let kept = reducedShape(x[0].shape, axes: resolved(x[0].rank), keepDims: true)
        let n = Float(max(count(x[0].shape), 1))
        return [(g / n).reshaped(kept).broadcast(to: x[0].shape)]
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        let ax = t[0].shape.rank.map { resolved($0) } ?? axes
        let id = tr.addNode(
            "Mean", inputs: [x[0], tr.intConstant(ax)],
            attrs: ["T": .type(.float32), "keep_dims": .bool(keepDims)])
        return .output(node: id, outputArg: "output", index: 0)
    }
}

extension Tensor {
    /// Mean over `axes` (all axes when nil).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        apply(Mean(axes: axes ?? Array(0..<rank), keepDims: keepDims), [self])
    }
}
