/// The positions `0, 1, ..., n-1` along one axis of a reference tensor, as int32: position ids
/// for a sequence whose length is only known at run time.
///
/// Shapes: `reference [d0, ..., dk, ...]` (any dtype) → `[dk]` int32 (unknown when `dk` is). Not
/// differentiable. TF: `Range(0, StridedSlice(Shape(reference), [k], [k+1], [1],
/// shrink_axis_mask: 1), 1)`: the length is read from the input at run time, so an exported
/// graph works for every sequence length.
struct AxisRange: Primitive {
    var axis: Int
    var name: String { "axis_range" }

    func outputType(_ t: [TensorType]) -> TensorType {
        guard let dims = t[0].shape.dims, axis >= 0, axis < dims.count else {
            preconditionFailure("axis_range: axis \(axis) out of range for \(t[0].shape)")
        }
        return TensorType(.int32, Shape([dims[axis]]))
    }

    func forward(_ x: [Tensor]) -> Tensor {
        let n = x[0].shape[axis]
        return Tensor(int32: (0..<n).map { Int32($0) }, shape: [n])
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] { [nil] }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        let shape = tr.addNode(
            "Shape", inputs: [x[0]],
            attrs: ["T": .type(t[0].dtype), "out_type": .type(.int32)])
        let length = tr.addNode(
            "StridedSlice",
            inputs: [
                .output(node: shape, outputArg: "output", index: 0), tr.intConstant([axis]),
                tr.intConstant([axis + 1]), tr.intConstant([1]),
            ],
            attrs: ["T": .type(.int32), "Index": .type(.int32), "shrink_axis_mask": .int(1)])
        let id = tr.addNode(
            "Range",
            inputs: [
                tr.intConstant([0], scalar: true),
                .output(node: length, outputArg: "output", index: 0),
                tr.intConstant([1], scalar: true),
            ],
            attrs: ["Tidx": .type(.int32)])
        return .output(node: id, outputArg: "output", index: 0)
    }
}

extension Tensor {
    /// `[0, 1, ..., n-1]` (int32) where `n` is this tensor's size along `axis`; stays dynamic in
    /// traces (position ids for any sequence length).
    public func positions(alongAxis axis: Int) -> Tensor { apply(AxisRange(axis: axis), [self]) }
}
