/// Writes `exp(z[j] - max(z))` for one row of `c` logits starting at `base` into `out`, and
/// returns the row maximum and the sum of the exponentials.
///
/// The max-shift keeps large logits from overflowing. Shared by `Softmax` and
/// `SparseSoftmaxCrossEntropy`, which each normalize (and, for the loss, take the log) themselves.
@inline(__always)
func softmaxRowExponentials(
    _ z: UnsafeBufferPointer<Float>, base: Int, count c: Int, into out: UnsafeMutablePointer<Float>
) -> (max: Float, sum: Float) {
    var m = -Float.infinity
    for j in 0..<c { m = max(m, z[base + j]) }
    var s: Float = 0
    for j in 0..<c {
        let e = _expf(z[base + j] - m)
        out[base + j] = e
        s += e
    }
    return (m, s)
}
