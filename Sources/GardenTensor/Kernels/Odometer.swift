/// One step of a row-major walk over axes `0...lastAxis` of `shape`: `index` advances by one in
/// axis `lastAxis`, carrying into earlier axes, and `offset` follows it, `step[d]` per unit of
/// axis `d` (an axis that wraps to 0 takes its whole span back). The strided walks of the
/// reductions and the transpose share it.
@inline(__always)
func advanceOdometer(
    _ index: UnsafeMutablePointer<Int>, _ offset: inout Int, shape: [Int], step: [Int],
    lastAxis: Int
) {
    var d = lastAxis
    while d >= 0 {
        index[d] += 1
        offset += step[d]
        if index[d] < shape[d] { return }
        offset -= step[d] * shape[d]
        index[d] = 0
        d -= 1
    }
}
