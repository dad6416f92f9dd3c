/// One pass over float32 elements without temporaries: the kernels of fused elementwise
/// primitives (`Gelu`, `TanhGelu`) forward and backward.
extension Tensor {
    /// `f(x)` for every element, in this tensor's shape.
    @inline(__always)
    func mapElements(_ f: (Float) -> Float) -> Tensor {
        let a = floats
        let out = [Float](unsafeUninitializedCapacity: a.count) { buf, count in
            a.withUnsafeBufferPointer { p in
                for i in 0..<p.count { buf[i] = f(p[i]) }
            }
            count = a.count
        }
        return Tensor(out, shape: shape)
    }

    /// `f(x, g)` for every element of this tensor `x` and the same-shaped `g` (a vjp's
    /// incoming gradient), in this tensor's shape.
    @inline(__always)
    func mapElements(with g: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        let a = floats, b = g.floats
        precondition(a.count == b.count, "mapElements: shapes \(shape) and \(g.shape) differ")
        let out = [Float](unsafeUninitializedCapacity: a.count) { buf, count in
            a.withUnsafeBufferPointer { p in
                b.withUnsafeBufferPointer { q in
                    for i in 0..<p.count { buf[i] = f(p[i], q[i]) }
                }
            }
            count = a.count
        }
        return Tensor(out, shape: shape)
    }
}
