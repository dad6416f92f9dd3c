/// An element function of one float32 operand, as a type: `mapElements` specializes on it, so
/// its loop calls the function inline (a closure captured by a `ParallelFor` part was called per
/// element; see `BinaryElementFunction`).
protocol UnaryElementFunction {
    static func f(_ x: Float) -> Float
}

/// One pass over float32 elements without temporaries: the kernels of fused elementwise
/// primitives (`Gelu`, `TanhGelu`) forward and backward, and of the unary primitives. Split
/// over the threads by elements (`parallelArray`); `grain` is lower for costly functions.
extension Tensor {
    /// `F.f(x)` for every element, in this tensor's shape.
    @inline(__always)
    func mapElements<F: UnaryElementFunction>(
        _ function: F.Type, grain: Int = ParallelFor.defaultGrain
    )
        -> Tensor
    {
        let out: [Float] = floats.withUnsafeBufferPointer { p in
            parallelArray(count: p.count, grain: grain) { buf, r in
                for i in r { buf[i] = F.f(p[i]) }
            }
        }
        return Tensor(out, shape: shape)
    }

    /// `F.apply(x, g)` for every element of this tensor `x` and the same-shaped `g` (a vjp's
    /// incoming gradient), in this tensor's shape.
    @inline(__always)
    func mapElements<F: BinaryElementFunction>(
        with g: Tensor, _ function: F.Type, grain: Int = ParallelFor.defaultGrain
    ) -> Tensor where F.Element == Float {
        let a = floats, b = g.floats
        precondition(a.count == b.count, "mapElements: shapes \(shape) and \(g.shape) differ")
        let out: [Float] = a.withUnsafeBufferPointer { p in
            b.withUnsafeBufferPointer { q in
                parallelArray(count: p.count, grain: grain) { buf, r in
                    for i in r { buf[i] = F.apply(p[i], q[i]) }
                }
            }
        }
        return Tensor(out, shape: shape)
    }
}
