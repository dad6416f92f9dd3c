/// Average pooling over NHWC windows; padded positions count neither in the sum nor in the
/// divisor (TensorFlow's rule).
///
/// Shapes: `[n, h, w, c]` → `[n, oh, ow, c]` (unknown sizes stay unknown). vjp: `AvgPoolGrad`.
/// TF: `AvgPool` with `ksize`/`strides` `[1, k, k, 1]` (input `value`, output `output`).
struct AvgPool: Pool2D {
    var size: Int
    var stride: Int
    var padding: SpatialPadding
    var name: String { "avg_pool" }

    func outputType(_ t: [TensorType]) -> TensorType { pooledType(t[0]) }

    func forward(_ x: [Tensor]) -> Tensor {
        let g = window(x[0].shape)
        return Tensor(
            PoolKernels.avgPool(x[0].floats, g), shape: g.outputShape(channels: g.channels))
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        [
            apply(
                AvgPoolGrad(inputShape: x[0].shape, size: size, stride: stride, padding: padding),
                [g])
        ]
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        let id = tr.addNode("AvgPool", inputs: x, attrs: poolAttrs)
        return .output(node: id, outputArg: "output", index: 0)
    }
}

extension Tensor {
    /// Average pooling of this NHWC tensor over `size x size` windows.
    ///
    /// Shapes: `[n, h, w, c]` → `[n, oh, ow, c]`.
    public func avgPool(size: Int, stride: Int, padding: SpatialPadding = .valid) -> Tensor {
        apply(AvgPool(size: size, stride: stride, padding: padding), [self])
    }
}
