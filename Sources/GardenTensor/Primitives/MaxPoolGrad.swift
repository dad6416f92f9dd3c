/// The gradient of max pooling: each output gradient goes to the first maximum of its window.
///
/// Shapes: `origInput [n, h, w, c]`, `origOutput [n, oh, ow, c]`, `grad [n, oh, ow, c]` →
/// `[n, h, w, c]`. The argmax is recomputed from `origInput` (as TensorFlow's CPU kernel does);
/// `origOutput` is taken for TensorFlow's signature. vjp: piecewise constant in the inputs, and
/// linear in `grad` with adjoint `MaxPoolGradGrad`. TF: `MaxPoolGrad` (output `output`).
struct MaxPoolGrad: Pool2D {
    var size: Int
    var stride: Int
    var padding: SpatialPadding
    var name: String { "max_pool_grad" }

    func outputType(_ t: [TensorType]) -> TensorType {
        let pooled = pooledType(t[0])
        if pooled.shape.isFullyDefined && t[2].shape.isFullyDefined {
            precondition(
                pooled.shape == t[2].shape,
                "\(name): grad \(t[2].shape) is not the pooled shape \(pooled.shape)")
        }
        return t[0]
    }

    func forward(_ x: [Tensor]) -> Tensor {
        let g = window(x[0].shape)
        precondition(
            x[2].shape == g.outputShape(channels: g.channels),
            "\(name): grad \(x[2].shape) is not the pooled shape "
                + "\(g.outputShape(channels: g.channels)) of \(x[0].shape)")
        let argmax = PoolKernels.maxPoolArgmax(x[0].floats, g)
        let dy = x[2].floats
        var dx = [Float](repeating: 0, count: g.inputCount)
        for (o, i) in argmax.enumerated() { dx[i] += dy[o] }
        return Tensor(dx, shape: x[0].shape)
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        [
            nil, nil,
            apply(MaxPoolGradGrad(size: size, stride: stride, padding: padding), [x[0], x[1], g]),
        ]
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        let id = tr.addNode("MaxPoolGrad", inputs: x, attrs: poolAttrs)
        return .output(node: id, outputArg: "output", index: 0)
    }
}

extension Tensor {
    /// The gradient of `maxPool` at `input` (whose pooled value is `output`) given the output
    /// gradient `grad`: each element of `grad` added at its window's first maximum.
    ///
    /// Shapes: `input [n, h, w, c]`, `output` and `grad` `[n, oh, ow, c]` → `[n, h, w, c]`.
    public static func maxPoolGrad(
        input: Tensor, output: Tensor, grad: Tensor, size: Int,
        stride: Int, padding: SpatialPadding = .valid
    ) -> Tensor {
        apply(MaxPoolGrad(size: size, stride: stride, padding: padding), [input, output, grad])
    }
}
