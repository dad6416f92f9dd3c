/// The gradient of average pooling: each output gradient spread evenly over its window's real
/// pixels.
///
/// Shapes: `grad [n, oh, ow, c]` → `inputShape [n, h, w, c]`. Linear, with adjoint `AvgPool`.
/// TF: `AvgPoolGrad(orig_input_shape, grad)` (output `output`).
struct AvgPoolGrad: Pool2D {
    var inputShape: [Int]
    var size: Int
    var stride: Int
    var padding: SpatialPadding
    var name: String { "avg_pool_grad" }

    func outputType(_ t: [TensorType]) -> TensorType {
        _ = pooledType(TensorType(.float32, Shape(inputShape)))
        return TensorType(.float32, Shape(inputShape))
    }

    func forward(_ x: [Tensor]) -> Tensor {
        let g = window(inputShape)
        precondition(
            x[0].shape == g.outputShape(channels: g.channels),
            "\(name): grad \(x[0].shape) is not the pooled shape "
                + "\(g.outputShape(channels: g.channels)) of \(inputShape)")
        return Tensor(PoolKernels.avgPoolGrad(x[0].floats, g), shape: inputShape)
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        [g.avgPool(size: size, stride: stride, padding: padding)]
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        precondition(
            !inputShape.contains(-1),
            "\(name): lowering needs a static input shape, got \(Shape(inputShape))")
        let id = tr.addNode(
            "AvgPoolGrad", inputs: [tr.intConstant(inputShape)] + x,
            attrs: poolAttrs)
        return .output(node: id, outputArg: "output", index: 0)
    }
}

extension Tensor {
    /// The gradient of `avgPool` over an input of `inputShape` given the output gradient `grad`.
    ///
    /// Shapes: `grad [n, oh, ow, c]` → `inputShape [n, h, w, c]`.
    public static func avgPoolGrad(
        inputShape: [Int], grad: Tensor, size: Int, stride: Int,
        padding: SpatialPadding = .valid
    ) -> Tensor {
        apply(
            AvgPoolGrad(inputShape: inputShape, size: size, stride: stride, padding: padding),
            [grad])
    }
}
