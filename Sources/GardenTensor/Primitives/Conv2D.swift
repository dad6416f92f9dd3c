/// 2-D convolution (cross-correlation, as TensorFlow), NHWC input and HWIO filter.
///
/// Shapes: `x [n, h, w, cin]`, `filter [kh, kw, cin, cout]` → `[n, oh, ow, cout]`, with
/// `oh`/`ow` from `SpatialPadding.outputSize`. Unknown (`-1`) batch, height and width stay
/// unknown, so an export takes any image size. Kernel: im2col + `sgemm` (`Conv2DKernels`).
/// vjp: `Conv2DBackpropInput` and `Conv2DBackpropFilter`. TF: `Conv2D` with
/// `strides [1, s, s, 1]` and `padding "SAME"/"VALID"` (output `output`).
struct Conv2D: Primitive {
    var stride: Int
    var padding: SpatialPadding
    var name: String { "conv2d" }

    func outputType(_ t: [TensorType]) -> TensorType {
        precondition(
            t[0].dtype == .float32 && t[1].dtype == .float32,
            "conv2d: expects float32, got \(t[0].dtype) and \(t[1].dtype)")
        guard let x = t[0].shape.dims, x.count == 4, let f = t[1].shape.dims, f.count == 4,
            f[0] > 0, f[1] > 0
        else {
            preconditionFailure(
                "conv2d: needs input [n, h, w, cin] and a static filter [kh, kw, cin, cout], "
                    + "got \(t[0].shape) and \(t[1].shape)")
        }
        precondition(
            x[3] < 0 || f[2] < 0 || x[3] == f[2],
            "conv2d: input channels differ: input \(t[0].shape), filter \(t[1].shape)")
        return TensorType(
            .float32,
            Shape([
                x[0], padding.outputSize(x[1], kernel: f[0], stride: stride),
                padding.outputSize(x[2], kernel: f[1], stride: stride), f[3],
            ]))
    }

    func forward(_ x: [Tensor]) -> Tensor {
        _ = outputType(x.map { TensorType($0.dtype, $0.symbolicShape) })
        let f = x[1].shape
        let g = Window2D(
            input: x[0].shape, kH: f[0], kW: f[1], stride: stride, padding: padding,
            op: name)
        let y = Conv2DKernels.forward(x[0].floats, x[1].floats, g, outChannels: f[3])
        return Tensor(y, shape: g.outputShape(channels: f[3]))
    }

    // The input gradient reads the filter, the filter gradient the input; not the output.
    func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool { needed[1 - index] }
    var vjpReadsOutput: Bool { false }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        vjp(x, y, g, needed: [true, true])
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor, needed: [Bool]) -> [Tensor?] {
        [
            needed[0]
                ? Tensor.conv2dBackpropInput(
                    inputShape: x[0].shape, filter: x[1], outBackprop: g,
                    stride: stride, padding: padding) : nil,
            needed[1]
                ? x[0].conv2dBackpropFilter(
                    filterShape: x[1].shape, outBackprop: g, stride: stride,
                    padding: padding) : nil,
        ]
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        let id = tr.addNode("Conv2D", inputs: x, attrs: convolutionAttrs(stride, padding))
        return .output(node: id, outputArg: "output", index: 0)
    }
}

/// The attrs TensorFlow's `Conv2D` and its two backprop ops share.
func convolutionAttrs(_ stride: Int, _ padding: SpatialPadding) -> [String: GraphAttr] {
    [
        "T": .type(.float32), "strides": .ints([1, stride, stride, 1]),
        "padding": .string(padding.tfName),
    ]
}

extension Tensor {
    /// 2-D convolution of this NHWC tensor with an HWIO `filter`.
    ///
    /// Shapes: `[n, h, w, cin]` and `[kh, kw, cin, cout]` → `[n, oh, ow, cout]`.
    /// - Parameters:
    ///   - filter: the HWIO kernel.
    ///   - stride: the step along height and width.
    ///   - padding: `.same` (TensorFlow's asymmetric rule) or `.valid`.
    /// - Returns: the NHWC output.
    public func conv2d(_ filter: Tensor, stride: Int = 1, padding: SpatialPadding = .same)
        -> Tensor
    {
        apply(Conv2D(stride: stride, padding: padding), [self, filter])
    }
}
