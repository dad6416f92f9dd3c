/// Max pooling over NHWC windows.
///
/// Shapes: `[n, h, w, c]` → `[n, oh, ow, c]` (`oh`/`ow` by `SpatialPadding`; unknown sizes stay
/// unknown). vjp: `MaxPoolGrad`. TF: `MaxPool` with `ksize`/`strides` `[1, k, k, 1]` (output
/// `output`).
struct MaxPool: Pool2D {
    var size: Int
    var stride: Int
    var padding: SpatialPadding
    var name: String { "max_pool" }

    func outputType(_ t: [TensorType]) -> TensorType { pooledType(t[0]) }

    func forward(_ x: [Tensor]) -> Tensor {
        let g = window(x[0].shape)
        return Tensor(
            PoolKernels.maxPool(x[0].floats, g), shape: g.outputShape(channels: g.channels))
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        [apply(MaxPoolGrad(size: size, stride: stride, padding: padding), [x[0], y, g])]
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        let id = tr.addNode("MaxPool", inputs: x, attrs: poolAttrs)
        return .output(node: id, outputArg: "output", index: 0)
    }
}

extension Tensor {
    /// Max pooling of this NHWC tensor over `size x size` windows.
    ///
    /// Shapes: `[n, h, w, c]` → `[n, oh, ow, c]`.
    public func maxPool(size: Int, stride: Int, padding: SpatialPadding = .valid) -> Tensor {
        apply(MaxPool(size: size, stride: stride, padding: padding), [self])
    }
}
