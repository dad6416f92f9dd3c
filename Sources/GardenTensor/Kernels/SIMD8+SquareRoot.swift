#if arch(x86_64)
    import _Builtin_intrinsics.intel
#endif

extension SIMD8 where Scalar == Float {
    /// The correctly rounded square root of every lane, as `squareRoot()` gives, in two `sqrtps`.
    ///
    /// The standard library's `squareRoot()` on a SIMD vector takes the lanes one at a time, each
    /// through C's `sqrtf` guarded by a sign test (C's `errno` rule): it was most of Adam's update
    /// time. SSE's `sqrtps` is in every x86-64 and rounds each lane as IEEE 754 requires, the same
    /// bits as the scalar root.
    @inlinable @inline(__always)
    public func laneSquareRoot() -> Self {
        #if arch(x86_64)
            Self(lowHalf: _mm_sqrt_ps(lowHalf), highHalf: _mm_sqrt_ps(highHalf))
        #else
            squareRoot()
        #endif
    }
}
