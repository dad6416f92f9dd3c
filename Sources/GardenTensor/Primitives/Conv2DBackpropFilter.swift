/// The gradient of `conv2d` with respect to its filter: `im2col(x)ᵀ · dy`.
///
/// Shapes: `x [n, h, w, cin]`, `dy [n, oh, ow, cout]` → `filterShape [kh, kw, cin, cout]`.
/// Linear in each operand, so its vjp for an upstream `u` of the filter's shape is
/// `conv2dBackpropInput(u, dy)` for `x` and `conv2d(x, u)` for `dy`.
/// TF: `Conv2DBackpropFilter(input, filter_sizes, out_backprop)` (output `output`).
struct Conv2DBackpropFilter: Primitive {
    var filterShape: [Int]
    var stride: Int
    var padding: SpatialPadding
    var name: String { "conv2d_backprop_filter" }

    func outputType(_ t: [TensorType]) -> TensorType {
        guard filterShape.count == 4, !filterShape.contains(where: { $0 < 0 }),
            let x = t[0].shape.dims, x.count == 4, let dy = t[1].shape.dims, dy.count == 4
        else {
            preconditionFailure(
                "\(name): needs a static filter size [kh, kw, cin, cout], x [n, h, w, cin] and "
                    + "dy [n, oh, ow, cout], got \(filterShape), \(t[0].shape), \(t[1].shape)")
        }
        precondition(
            (x[3] < 0 || x[3] == filterShape[2]) && (dy[3] < 0 || dy[3] == filterShape[3]),
            "\(name): channels differ: x \(t[0].shape), filter \(filterShape), "
                + "dy \(t[1].shape)")
        return TensorType(.float32, Shape(filterShape))
    }

    func forward(_ x: [Tensor]) -> Tensor {
        _ = outputType(x.map { TensorType($0.dtype, $0.symbolicShape) })
        let g = Window2D(
            input: x[0].shape, kH: filterShape[0], kW: filterShape[1],
            stride: stride, padding: padding, op: name)
        precondition(
            x[1].shape == g.outputShape(channels: filterShape[3]),
            "\(name): dy \(x[1].shape) is not the conv2d output "
                + "\(g.outputShape(channels: filterShape[3])) of input \(x[0].shape)")
        let df = Conv2DKernels.backpropFilter(
            x[0].floats, x[1].floats, g,
            outChannels: filterShape[3])
        return Tensor(df, shape: filterShape)
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        [
            Tensor.conv2dBackpropInput(
                inputShape: x[0].shape, filter: g, outBackprop: x[1],
                stride: stride, padding: padding),
            x[0].conv2d(g, stride: stride, padding: padding),
        ]
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        let id = tr.addNode(
            "Conv2DBackpropFilter", inputs: [x[0], tr.intConstant(filterShape), x[1]],
            attrs: convolutionAttrs(stride, padding))
        return .output(node: id, outputArg: "output", index: 0)
    }
}

extension Tensor {
    /// The gradient of `conv2d` of this NHWC input with respect to a filter of `filterShape`,
    /// given the output gradient `outBackprop` (`[n, oh, ow, cout]`).
    public func conv2dBackpropFilter(
        filterShape: [Int], outBackprop: Tensor, stride: Int, padding: SpatialPadding
    ) -> Tensor {
        apply(
            Conv2DBackpropFilter(filterShape: filterShape, stride: stride, padding: padding),
            [self, outBackprop])
    }
}
