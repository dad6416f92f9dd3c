/// One pass over float32 elements without temporaries: the kernels of fused elementwise
/// primitives (`Gelu`, `TanhGelu`) forward and backward, and of the unary primitives. Split
/// over the threads by elements (`parallelArray`); `grain` is lower for costly functions.
extension Tensor {
    /// `f(x)` for every element, in this tensor's shape.
    @inline(__always)
    func mapElements(grain: Int = ParallelFor.defaultGrain, _ f: (Float) -> Float) -> Tensor {
        let out: [Float] = floats.withUnsafeBufferPointer { p in
            parallelArray(count: p.count, grain: grain) { buf, r in
                for i in r { buf[i] = f(p[i]) }
            }
        }
        return Tensor(out, shape: shape)
    }

    /// `f(x, g)` for every element of this tensor `x` and the same-shaped `g` (a vjp's
    /// incoming gradient), in this tensor's shape.
    @inline(__always)
    func mapElements(
        with g: Tensor, grain: Int = ParallelFor.defaultGrain, _ f: (Float, Float) -> Float
    ) -> Tensor {
        let a = floats, b = g.floats
        precondition(a.count == b.count, "mapElements: shapes \(shape) and \(g.shape) differ")
        let out: [Float] = a.withUnsafeBufferPointer { p in
            b.withUnsafeBufferPointer { q in
                parallelArray(count: p.count, grain: grain) { buf, r in
                    for i in r { buf[i] = f(p[i], q[i]) }
                }
            }
        }
        return Tensor(out, shape: shape)
    }
}
