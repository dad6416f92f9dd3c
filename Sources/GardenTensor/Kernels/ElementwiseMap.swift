/// An element function of one float32 operand, as a type: `mapElements` specializes on it, so
/// its loop calls the function inline (a closure captured by a `ParallelFor` part was called per
/// element; see `BinaryElementFunction`).
protocol UnaryElementFunction {
    static func f(_ x: Float) -> Float
    /// `f` on four lanes at once; each lane must equal `f` on it (a kernel runs groups of four,
    /// then the tail one by one). The default applies `f` lane by lane.
    static func lanes(_ x: SIMD4<Float>) -> SIMD4<Float>
    /// A C kernel (`CVectorMath`) that runs `lanes` in wider lanes with the same bits on this
    /// host, or nil (the default): `mapElements` then hands it each thread's part whole.
    static var wideKernel: UnaryWideKernel? { get }
}

/// A `CVectorMath` kernel of one operand: `(x, out, count)`.
typealias UnaryWideKernel =
    @convention(c) (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int) -> Void

extension UnaryElementFunction {
    @inline(__always)
    static func lanes(_ x: SIMD4<Float>) -> SIMD4<Float> {
        SIMD4(f(x[0]), f(x[1]), f(x[2]), f(x[3]))
    }

    static var wideKernel: UnaryWideKernel? { nil }
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
                guard let from = p.baseAddress else { return }
                if let wide = F.wideKernel {
                    wide(from + r.lowerBound, buf + r.lowerBound, r.count)
                    return
                }
                var i = r.lowerBound
                while i + 4 <= r.upperBound {
                    let x = UnsafeRawPointer(from + i).loadUnaligned(as: SIMD4<Float>.self)
                    UnsafeMutableRawPointer(buf + i).storeBytes(
                        of: F.lanes(x), as: SIMD4<Float>.self)
                    i += 4
                }
                for i in i..<r.upperBound { buf[i] = F.f(p[i]) }
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
                    guard let x = p.baseAddress, let g = q.baseAddress else { return }
                    if let wide = F.wideKernel {
                        wide(x + r.lowerBound, g + r.lowerBound, buf + r.lowerBound, r.count)
                        return
                    }
                    var i = r.lowerBound
                    while i + 4 <= r.upperBound {
                        let xi = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD4<Float>.self)
                        let gi = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD4<Float>.self)
                        UnsafeMutableRawPointer(buf + i).storeBytes(
                            of: F.applyLanes(xi, gi), as: SIMD4<Float>.self)
                        i += 4
                    }
                    for i in i..<r.upperBound { buf[i] = F.apply(p[i], q[i]) }
                }
            }
        }
        return Tensor(out, shape: shape)
    }
}
