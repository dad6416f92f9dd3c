/// Philox4x32-10, the counter-based generator of Salmon et al. (SC'11), as in TensorFlow and JAX.
///
/// Every random number is a pure function of (key, counter): the randomness of any step, layer and
/// element is computable without replaying earlier draws, which is what makes resumed runs
/// bit-identical to uninterrupted ones.
public struct Philox: Sendable {
    public let key: (UInt32, UInt32)

    /// A generator for one stream. `seed` is the recipe seed; `stream` separates uses (init of a
    /// given parameter, dropout of a given step, data order...).
    public init(seed: UInt64, stream: UInt64) {
        // Mix the stream into the key so different streams are independent generators.
        let mixed =
            seed &* 0x9E37_79B9_7F4A_7C15 ^ (stream &+ 0x632B_E59B_D9B4_E019)
            &* 0xBF58_476D_1CE4_E5B9
        key = (UInt32(truncatingIfNeeded: mixed), UInt32(truncatingIfNeeded: mixed >> 32))
    }

    /// A generator with an explicit cipher key, for checking the cipher against the published
    /// Philox4x32-10 known-answer vectors.
    public init(key: (UInt32, UInt32)) { self.key = key }

    /// The four 32-bit outputs for one 128-bit counter.
    @inline(__always)
    public func block(_ counter: UInt64, _ high: UInt64 = 0) -> (UInt32, UInt32, UInt32, UInt32) {
        var c0 = UInt32(truncatingIfNeeded: counter), c1 = UInt32(truncatingIfNeeded: counter >> 32)
        var c2 = UInt32(truncatingIfNeeded: high), c3 = UInt32(truncatingIfNeeded: high >> 32)
        var k0 = key.0, k1 = key.1
        for _ in 0..<10 {
            let p0 = UInt64(0xD251_1F53) &* UInt64(c0)
            let p1 = UInt64(0xCD9E_8D57) &* UInt64(c2)
            let n0 = UInt32(truncatingIfNeeded: p1 >> 32) ^ c1 ^ k0
            let n2 = UInt32(truncatingIfNeeded: p0 >> 32) ^ c3 ^ k1
            c0 = n0; c1 = UInt32(truncatingIfNeeded: p1); c2 = n2;
            c3 = UInt32(truncatingIfNeeded: p0)
            k0 = k0 &+ 0x9E37_79B9; k1 = k1 &+ 0xBB67_AE85
        }
        return (c0, c1, c2, c3)
    }

    /// The blocks of the eight counters `first ..< first + 8` at once: lane `j` of each of the
    /// four words is `block(first + j)`'s. The same rounds on vectors (each 32×32→64-bit
    /// product is a lane of a 64-bit vector product) instead of eight dependent chains of
    /// scalar products.
    @inline(__always)
    public func blocks8(_ first: UInt64) -> (
        SIMD8<UInt32>, SIMD8<UInt32>, SIMD8<UInt32>, SIMD8<UInt32>
    ) {
        // A 64-bit lane's low and high words are the even and odd 32-bit lanes (little-endian):
        // widening and narrowing by reinterpretation, where the generic `truncatingIfNeeded`
        // conversions stayed calls inside the dropout loop.
        @inline(__always) func products(_ c: SIMD8<UInt32>, _ m: SIMD8<UInt64>) -> (
            low: SIMD8<UInt32>, high: SIMD8<UInt32>
        ) {
            var wide = SIMD16<UInt32>()
            wide.evenHalf = c
            let p = unsafeBitCast(
                m &* unsafeBitCast(wide, to: SIMD8<UInt64>.self), to: SIMD16<UInt32>.self)
            return (p.evenHalf, p.oddHalf)
        }
        let counters = unsafeBitCast(
            SIMD8<UInt64>(0, 1, 2, 3, 4, 5, 6, 7) &+ first, to: SIMD16<UInt32>.self)
        var c0 = counters.evenHalf, c1 = counters.oddHalf
        var c2 = SIMD8<UInt32>(), c3 = SIMD8<UInt32>()
        var k0 = key.0, k1 = key.1
        let m0 = SIMD8<UInt64>(repeating: 0xD251_1F53), m1 = SIMD8<UInt64>(repeating: 0xCD9E_8D57)
        for _ in 0..<10 {
            let p0 = products(c0, m0), p1 = products(c2, m1)
            let n0 = p1.high ^ c1 ^ k0, n2 = p0.high ^ c3 ^ k1
            c0 = n0; c1 = p1.low; c2 = n2; c3 = p0.low
            k0 = k0 &+ 0x9E37_79B9; k1 = k1 &+ 0xBB67_AE85
        }
        return (c0, c1, c2, c3)
    }

    /// `count` uniform floats in [0, 1) for counters starting at `offset` (4 values per counter),
    /// using the top 24 bits of each word so every value is exactly representable.
    public func uniform(count: Int, offset: UInt64 = 0) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buf, n in
            var i = 0
            var c = offset
            let scale = Float(1.0 / 16_777_216.0)
            while i < count {
                let (a, b, d, e) = block(c)
                buf[i] = Float(a >> 8) * scale
                if i + 1 < count { buf[i + 1] = Float(b >> 8) * scale }
                if i + 2 < count { buf[i + 2] = Float(d >> 8) * scale }
                if i + 3 < count { buf[i + 3] = Float(e >> 8) * scale }
                i += 4
                c &+= 1
            }
            n = count
        }
    }

    /// `count` standard normal floats (Box–Muller on pairs of uniforms).
    public func normal(count: Int, offset: UInt64 = 0) -> [Float] {
        let u = uniform(count: count + count % 2, offset: offset)
        var out = [Float](repeating: 0, count: count)
        var i = 0
        while i < count {
            let u1 = Double(max(u[i], 1e-7)), u2 = Double(u[i + 1])
            let r = (-2 * _log(u1)).squareRoot()
            out[i] = Float(r * _cos(2 * .pi * u2))
            if i + 1 < count { out[i + 1] = Float(r * _sin(2 * .pi * u2)) }
            i += 2
        }
        return out
    }
}

/// A stable 64-bit hash of a string (FNV-1a), for deriving streams from names. Swift's `Hasher`
/// is seeded per process and must never decide anything that ends up in a file.
public func stableHash(_ s: String) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    return h
}
