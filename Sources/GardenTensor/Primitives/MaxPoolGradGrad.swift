/// The adjoint of `MaxPoolGrad` in its `grad` operand: reads a tensor of the input's shape at
/// each window's first maximum.
///
/// Shapes: `origInput [n, h, w, c]`, `origOutput [n, oh, ow, c]`, `u [n, h, w, c]` →
/// `[n, oh, ow, c]`. vjp: `MaxPoolGrad` for `u`, nothing for the (piecewise constant) others,
/// which closes the pair under differentiation. TF: `MaxPoolGradGrad` (output `output`).
struct MaxPoolGradGrad: Pool2D {
    var size: Int
    var stride: Int
    var padding: SpatialPadding
    var name: String { "max_pool_grad_grad" }

    func outputType(_ t: [TensorType]) -> TensorType { pooledType(t[0]) }

    func forward(_ x: [Tensor]) -> Tensor {
        let g = window(x[0].shape)
        precondition(
            x[2].shape == x[0].shape,
            "\(name): u \(x[2].shape) differs from the input \(x[0].shape)")
        let argmax = PoolKernels.maxPoolArgmax(x[0].floats, g)
        let u = x[2].floats
        return Tensor(argmax.map { u[$0] }, shape: g.outputShape(channels: g.channels))
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        [
            nil, nil,
            apply(MaxPoolGrad(size: size, stride: stride, padding: padding), [x[0], x[1], g]),
        ]
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        let id = tr.addNode("MaxPoolGradGrad", inputs: x, attrs: poolAttrs)
        return .output(node: id, outputArg: "output", index: 0)
    }
}
