/// FarmHash's 64-bit fingerprint (`farmhashna::Hash64`, by Geoff Pike), the `Fingerprint64` that
/// TensorFlow hashes SavedModel parts with for `fingerprint.pb`, and TensorFlow's
/// `FingerprintCat64` that chains two fingerprints.
///
/// Written from the published algorithm; `FarmHashTests` holds it to values TensorFlow computed
/// (the `checkpoint_hash` of TF-written references and `tf.strings.to_hash_bucket_fast`).
/// Input words are read little endian, as FarmHash does on the x86-64 and ARM machines TF runs on.
public enum FarmHash {
    static let k0: UInt64 = 0xc3a5_c85c_97cb_3127
    static let k1: UInt64 = 0xb492_b66f_be98_f273
    static let k2: UInt64 = 0x9ae1_6a3b_2f90_404f

    /// `Fingerprint64(bytes)`.
    public static func fingerprint64(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBufferPointer { hash64(Input(bytes: $0)) }
    }

    /// `Fingerprint64` of a string's UTF-8 bytes.
    public static func fingerprint64(_ string: String) -> UInt64 {
        fingerprint64(Array(string.utf8))
    }

    /// TensorFlow's `FingerprintCat64(fp1, fp2)`: a fingerprint of the pair (not commutative).
    public static func fingerprintCat64(_ fp1: UInt64, _ fp2: UInt64) -> UInt64 {
        let mul: UInt64 = 0xc6a4_a793_5bd1_e995
        var result = fp1 ^ mul
        result ^= shiftMix(fp2 &* mul) &* mul
        result = result &* mul
        result = shiftMix(result) &* mul
        return shiftMix(result)
    }

    /// Little-endian reads at byte offsets.
    struct Input {
        let bytes: UnsafeBufferPointer<UInt8>
        var count: Int { bytes.count }

        func fetch64(_ i: Int) -> UInt64 {
            var v: UInt64 = 0
            for j in 0..<8 { v |= UInt64(bytes[i + j]) << (8 * UInt64(j)) }
            return v
        }

        func fetch32(_ i: Int) -> UInt64 {
            var v: UInt64 = 0
            for j in 0..<4 { v |= UInt64(bytes[i + j]) << (8 * UInt64(j)) }
            return v
        }
    }

    static func rotate(_ v: UInt64, _ shift: UInt64) -> UInt64 {
        shift == 0 ? v : (v >> shift) | (v << (64 - shift))
    }

    static func shiftMix(_ v: UInt64) -> UInt64 { v ^ (v >> 47) }

    static func hashLen16(_ u: UInt64, _ v: UInt64, _ mul: UInt64) -> UInt64 {
        var a = (u ^ v) &* mul
        a ^= a >> 47
        var b = (v ^ a) &* mul
        b ^= b >> 47
        return b &* mul
    }

    static func hashLen0to16(_ s: Input) -> UInt64 {
        let len = UInt64(s.count)
        if s.count >= 8 {
            let mul = k2 &+ len &* 2
            let a = s.fetch64(0) &+ k2
            let b = s.fetch64(s.count - 8)
            let c = rotate(b, 37) &* mul &+ a
            let d = (rotate(a, 25) &+ b) &* mul
            return hashLen16(c, d, mul)
        }
        if s.count >= 4 {
            let mul = k2 &+ len &* 2
            let a = s.fetch32(0)
            return hashLen16(len &+ (a << 3), s.fetch32(s.count - 4), mul)
        }
        if s.count > 0 {
            let a = UInt32(s.bytes[0])
            let b = UInt32(s.bytes[s.count >> 1])
            let c = UInt32(s.bytes[s.count - 1])
            let y = a &+ (b << 8)
            let z = UInt32(s.count) &+ (c << 2)
            return shiftMix(UInt64(y) &* k2 ^ UInt64(z) &* k0) &* k2
        }
        return k2
    }

    static func hashLen17to32(_ s: Input) -> UInt64 {
        let mul = k2 &+ UInt64(s.count) &* 2
        let a = s.fetch64(0) &* k1
        let b = s.fetch64(8)
        let c = s.fetch64(s.count - 8) &* mul
        let d = s.fetch64(s.count - 16) &* k2
        return hashLen16(
            rotate(a &+ b, 43) &+ rotate(c, 30) &+ d, a &+ rotate(b &+ k2, 18) &+ c, mul)
    }

    static func hashLen33to64(_ s: Input) -> UInt64 {
        let mul = k2 &+ UInt64(s.count) &* 2
        let a = s.fetch64(0) &* k2
        let b = s.fetch64(8)
        let c = s.fetch64(s.count - 8) &* mul
        let d = s.fetch64(s.count - 16) &* k2
        let y = rotate(a &+ b, 43) &+ rotate(c, 30) &+ d
        let z = hashLen16(y, a &+ rotate(b &+ k2, 18) &+ c, mul)
        let e = s.fetch64(16) &* mul
        let f = s.fetch64(24)
        let g = (y &+ s.fetch64(s.count - 32)) &* mul
        let h = (z &+ s.fetch64(s.count - 24)) &* mul
        return hashLen16(
            rotate(e &+ f, 43) &+ rotate(g, 30) &+ h, e &+ rotate(f &+ a, 18) &+ g, mul)
    }

    /// A 16-byte hash of 32 bytes at `i` and two seeds.
    static func weakHashLen32WithSeeds(_ s: Input, _ i: Int, _ a: UInt64, _ b: UInt64) -> (
        UInt64, UInt64
    ) {
        let w = s.fetch64(i), x = s.fetch64(i + 8), y = s.fetch64(i + 16), z = s.fetch64(i + 24)
        var a = a &+ w
        var b = rotate(b &+ a &+ z, 21)
        let c = a
        a = a &+ x &+ y
        b = b &+ rotate(a, 44)
        return (a &+ z, b &+ c)
    }

    static func hash64(_ s: Input) -> UInt64 {
        if s.count <= 16 { return hashLen0to16(s) }
        if s.count <= 32 { return hashLen17to32(s) }
        if s.count <= 64 { return hashLen33to64(s) }
        // Longer inputs: 64-byte blocks through a 56-byte state (v, w, x, y, z).
        let seed: UInt64 = 81
        var x = seed
        var y = seed &* k1 &+ 113
        var z = shiftMix(y &* k2 &+ 113) &* k2
        var v: (UInt64, UInt64) = (0, 0)
        var w: (UInt64, UInt64) = (0, 0)
        x = x &* k2 &+ s.fetch64(0)
        let end = ((s.count - 1) / 64) * 64
        var i = 0
        repeat {
            x = rotate(x &+ y &+ v.0 &+ s.fetch64(i + 8), 37) &* k1
            y = rotate(y &+ v.1 &+ s.fetch64(i + 48), 42) &* k1
            x ^= w.1
            y = y &+ v.0 &+ s.fetch64(i + 40)
            z = rotate(z &+ w.0, 33) &* k1
            v = weakHashLen32WithSeeds(s, i, v.1 &* k1, x &+ w.0)
            w = weakHashLen32WithSeeds(s, i + 32, z &+ w.1, y &+ s.fetch64(i + 16))
            swap(&z, &x)
            i += 64
        } while i != end
        let mul = k1 &+ ((z & 0xff) << 1)
        // The last 64 bytes of the input (they may overlap the last block).
        i = s.count - 64
        w.0 = w.0 &+ UInt64((s.count - 1) & 63)
        v.0 = v.0 &+ w.0
        w.0 = w.0 &+ v.0
        x = rotate(x &+ y &+ v.0 &+ s.fetch64(i + 8), 37) &* mul
        y = rotate(y &+ v.1 &+ s.fetch64(i + 48), 42) &* mul
        x ^= w.1 &* 9
        y = y &+ v.0 &* 9 &+ s.fetch64(i + 40)
        z = rotate(z &+ w.0, 33) &* mul
        v = weakHashLen32WithSeeds(s, i, v.1 &* mul, x &+ w.0)
        w = weakHashLen32WithSeeds(s, i + 32, z &+ w.1, y &+ s.fetch64(i + 16))
        swap(&z, &x)
        return hashLen16(
            hashLen16(v.0, w.0, mul) &+ shiftMix(y) &* k0 &+ z,
            hashLen16(v.1, w.1, mul) &+ x, mul)
    }
}
