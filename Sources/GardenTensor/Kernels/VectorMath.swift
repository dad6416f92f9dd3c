import CVectorMath

#if arch(x86_64)
    import _Builtin_intrinsics.intel
#endif

/// `erf` and the Gaussian factor `exp(-t²)` of exact GELU in four float lanes: the C library's
/// `erff` and `expf` are scalar calls (`erff` alone was ~8 % of a bert_tiny step, the GELU
/// loops around the calls another ~10 %). Plain SSE2 arithmetic, so every x86-64 runs it.
///
/// The scalar forms run the same lane operations on one value, so a kernel may mix them (four
/// lanes at a time, then the tail) and get the same bits for an element wherever it falls.
enum VectorMath {
    typealias Lanes = SIMD4<Float>

    /// Whether `CVectorMath`'s 8- or 16-lane kernels run here (AVX2 or AVX-512F), checked once.
    static let hasWideLanes = cvectormath_lane_width() != 0

    /// erf(x) as the rational approximation of Eigen's `generic_fast_erf_float` (XLA's f32 erf
    /// has used it too): `x·P(x²) / Q(x²)` on x clamped to [-4, 4], degrees 13 and 8.
    /// Beyond |x| = 3.9 erf(x) rounds to ±1 in float32, which it returns. NaN stays NaN.
    @inline(__always)
    static func erf(_ v: Lanes) -> Lanes {
        let x = clamp(v, -4, 4)
        let x2 = x * x
        var p = x2 * -2.726_142_258_013_06e-10 + 2.770_681_424_959_02e-08
        p = x2 * p + -2.101_024_020_825_08e-06
        p = x2 * p + -5.692_506_394_623_46e-05
        p = x2 * p + -7.349_906_303_268_55e-04
        p = x2 * p + -2.954_599_808_540_25e-03
        p = x2 * p + -1.609_603_332_624_15e-02
        p = x * p
        var q = x2 * -1.456_607_184_649_96e-05 + -2.133_740_552_789_05e-04
        q = x2 * q + -1.682_826_974_382_03e-03
        q = x2 * q + -7.373_329_167_204_68e-03
        q = x2 * q + -1.426_473_905_141_89e-02
        let one = Lanes(repeating: 1)
        var y = clamp(p / q, -1, 1)
        y = select(isGreater(x, Lanes(repeating: 3.9)), one, y)
        y = select(isGreater(Lanes(repeating: -3.9), x), -one, y)
        return select(isNaN(v), v, y)
    }

    /// exp(x) for x ≤ 0 (the Gaussian `exp(-t²)`), Cephes' `expf` scheme: x = n·ln 2 + r with
    /// |r| ≤ ½ ln 2 (n the nearest integer to x·log2(e), ln 2 in two parts), a degree-7
    /// polynomial for e^r, and 2ⁿ built in the exponent bits. Below -87.3 (where e^x leaves float32's normal range) it returns
    /// e^-87.3 ≈ 1.2e-38, a difference no GELU gradient can show. NaN stays NaN.
    @inline(__always)
    static func expOfNonPositive(_ v: Lanes) -> Lanes {
        let x = clamp(v, -87.336_54, 0)
        // n = x·log2(e) rounded to an integer, by adding 1.5·2²³ (float addition rounds to
        // the nearest integer there) and subtracting it back; the sum's low bits are n itself.
        let magic: Float = 12_582_912
        let shifted = x * 1.442_695_04 + magic
        let n = shifted - magic
        let r = (x - n * 0.693_359_375) - n * -2.121_944_40e-4
        var e = r * 1.987_569_150_0e-4 + 1.398_199_950_7e-3
        e = e * r + 8.333_451_907_3e-3
        e = e * r + 4.166_579_589_4e-2
        e = e * r + 1.666_666_545_9e-1
        e = e * r + 5.000_000_120_1e-1
        e = e * (r * r) + r + 1
        let scale = (shifted.bitPattern &- magic.bitPattern &+ 127) &<< 23
        return select(isNaN(v), v, e * Lanes(bitPattern: scale))
    }

    /// `v` with its lanes below `low` or above `high` replaced by those bounds (NaN lanes come
    /// out as a bound; the callers put NaN back with `isNaN`).
    @inline(__always)
    static func clamp(_ v: Lanes, _ low: Float, _ high: Float) -> Lanes {
        maximum(minimum(v, Lanes(repeating: high)), Lanes(repeating: low))
    }

    // Lane-wise compares, selects, minimum and maximum as single SSE instructions: the standard
    // library's `clamped` and `replacing(with:where:)` went lane by lane, with a branch each.
    // A mask lane is all ones (true) or all zeros (false).
    #if arch(x86_64)
        @inline(__always)
        static func minimum(_ a: Lanes, _ b: Lanes) -> Lanes { _mm_min_ps(a, b) }
        @inline(__always)
        static func maximum(_ a: Lanes, _ b: Lanes) -> Lanes { _mm_max_ps(a, b) }
        @inline(__always)
        static func isGreater(_ a: Lanes, _ b: Lanes) -> Lanes { _mm_cmpgt_ps(a, b) }
        @inline(__always)
        static func isNaN(_ a: Lanes) -> Lanes { _mm_cmpunord_ps(a, a) }
        /// `a` where `mask` is set, else `b`.
        @inline(__always)
        static func select(_ mask: Lanes, _ a: Lanes, _ b: Lanes) -> Lanes {
            _mm_or_ps(_mm_and_ps(mask, a), _mm_andnot_ps(mask, b))
        }
    #else
        @inline(__always)
        static func minimum(_ a: Lanes, _ b: Lanes) -> Lanes { a.replacing(with: b, where: b .< a) }
        @inline(__always)
        static func maximum(_ a: Lanes, _ b: Lanes) -> Lanes { a.replacing(with: b, where: b .> a) }
        @inline(__always)
        static func isGreater(_ a: Lanes, _ b: Lanes) -> Lanes { mask(a .> b) }
        @inline(__always)
        static func isNaN(_ a: Lanes) -> Lanes { mask(a .!= a) }
        @inline(__always)
        static func select(_ mask: Lanes, _ a: Lanes, _ b: Lanes) -> Lanes {
            Lanes(bitPattern: (mask.bitPattern & a.bitPattern) | (~mask.bitPattern & b.bitPattern))
        }
        @inline(__always)
        static func mask(_ m: SIMDMask<SIMD4<Int32>>) -> Lanes {
            Lanes(bitPattern: SIMD4<UInt32>().replacing(with: .max, where: m))
        }
    #endif

    @inline(__always)
    static func erf(_ x: Float) -> Float { erf(Lanes(repeating: x))[0] }

    @inline(__always)
    static func expOfNonPositive(_ x: Float) -> Float { expOfNonPositive(Lanes(repeating: x))[0] }
}

extension SIMD4 where Scalar == Float {
    /// The floats whose bits are `bits`, lane by lane.
    @inline(__always)
    init(bitPattern bits: SIMD4<UInt32>) { self = unsafeBitCast(bits, to: Self.self) }

    /// The bits of every lane.
    @inline(__always)
    var bitPattern: SIMD4<UInt32> { unsafeBitCast(self, to: SIMD4<UInt32>.self) }
}
