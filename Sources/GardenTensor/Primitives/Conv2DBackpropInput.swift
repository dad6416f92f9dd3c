/// The gradient of `conv2d` with respect to its input (a transposed convolution):
/// `col2im(dy · filterᵀ)`.
///
/// Shapes: `filter [kh, kw, cin, cout]`, `dy [n, oh, ow, cout]` → `inputShape [n, h, w, cin]`.
/// It is linear in each operand, so its own vjp for an upstream `u` of the input's shape is
/// `conv2dBackpropFilter(u, dy)` for the filter and `conv2d(u, filter)` for `dy`.
/// TF: `Conv2DBackpropInput(input_sizes, filter, out_backprop)` (output `output`).
struct Conv2DBackpropInput: Primitive {
    var inputShape: [Int]
    var stride: Int
    var padding: SpatialPadding
    var name: String { "conv2d_backprop_input" }

    func outputType(_ t: [TensorType]) -> TensorType {
        guard inputShape.count == 4, let f = t[0].shape.dims, f.count == 4,
            let dy = t[1].shape.dims, dy.count == 4
        else {
            preconditionFailure(
                "\(name): needs input sizes [n, h, w, cin], filter [kh, kw, cin, cout] and "
                    + "dy [n, oh, ow, cout], got \(inputShape), \(t[0].shape), \(t[1].shape)")
        }
        precondition(
            (f[2] < 0 || inputShape[3] < 0 || f[2] == inputShape[3])
                && (f[3] < 0 || dy[3] < 0 || f[3] == dy[3]),
            "\(name): channels differ: input \(inputShape), filter \(t[0].shape), "
                + "dy \(t[1].shape)")
        return TensorType(.float32, Shape(inputShape))
    }

    func forward(_ x: [Tensor]) -> Tensor {
        _ = outputType(x.map { TensorType($0.dtype, $0.symbolicShape) })
        let f = x[0].shape
        let g = Window2D(
            input: inputShape, kH: f[0], kW: f[1], stride: stride, padding: padding,
            op: name)
        precondition(
            x[1].shape == g.outputShape(channels: f[3]),
            "\(name): dy \(x[1].shape) is not the conv2d output "
                + "\(g.outputShape(channels: f[3])) of input \(inputShape)")
        return Tensor(
            Conv2DKernels.backpropInput(x[0].floats, x[1].floats, g, outChannels: f[3]),
            shape: inputShape)
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        [
            g.conv2dBackpropFilter(
                filterShape: x[0].shape, outBackprop: x[1], stride: stride,
                padding: padding),
            g.conv2d(x[0], stride: stride, padding: padding),
        ]
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        // The sizes are a constant: this op only appears where the input shape was concrete.
        precondition(
            !inputShape.contains(-1),
            "\(name): lowering needs static input sizes, got \(Shape(inputShape))")
        let id = tr.addNode(
            "Conv2DBackpropInput", inputs: [tr.intConstant(inputShape)] + x,
            attrs: convolutionAttrs(stride, padding))
        return .output(node: id, outputArg: "output", index: 0)
    }
}

extension Tensor {
    /// The gradient of `conv2d` with respect to an input of `inputShape`, given the `filter` and
    /// the output gradient `outBackprop` (`[n, oh, ow, cout]`).
    public static func conv2dBackpropInput(
        inputShape: [Int], filter: Tensor, outBackprop: Tensor, stride: Int,
        padding: SpatialPadding
    ) -> Tensor {
        apply(
            Conv2DBackpropInput(inputShape: inputShape, stride: stride, padding: padding),
            [filter, outBackprop])
    }
}
