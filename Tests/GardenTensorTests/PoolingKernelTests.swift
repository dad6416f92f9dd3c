import GardenTensor
import GardenTestSupport
import Testing

/// One pooling geometry.
struct PoolingCase: Sendable, CustomTestStringConvertible {
    var input: [Int]
    var size: Int
    var stride: Int
    var padding: SpatialPadding
    var testDescription: String { "x\(input) k\(size) s\(stride) \(padding)" }
}

@Suite("Pooling kernels against naive references")
struct PoolingKernelTests {
    static let cases: [PoolingCase] = [
        PoolingCase(input: [2, 7, 5, 3], size: 2, stride: 2, padding: .valid),
        PoolingCase(input: [2, 7, 5, 3], size: 2, stride: 2, padding: .same),
        PoolingCase(input: [1, 6, 6, 2], size: 3, stride: 2, padding: .same),
        PoolingCase(input: [2, 5, 4, 3], size: 3, stride: 1, padding: .same),
        PoolingCase(input: [1, 7, 7, 2], size: 3, stride: 2, padding: .valid),
    ]

    @Test(arguments: cases)
    func maxPoolMatchesNaive(_ c: PoolingCase) {
        let x = TestInputs.uniform(c.input, stream: 20)
        let ref = SpatialReference.pool(
            x, size: c.size, stride: c.stride, same: c.padding == .same, max: true)
        expectClose(
            x.maxPool(size: c.size, stride: c.stride, padding: c.padding), ref.values,
            shape: ref.shape)
    }

    @Test(arguments: cases)
    func avgPoolMatchesNaiveAndIgnoresPadding(_ c: PoolingCase) {
        let x = TestInputs.uniform(c.input, stream: 21)
        let ref = SpatialReference.pool(
            x, size: c.size, stride: c.stride, same: c.padding == .same, max: false)
        expectClose(
            x.avgPool(size: c.size, stride: c.stride, padding: c.padding), ref.values,
            shape: ref.shape)
    }

    /// The max-pool gradient goes to each window's first maximum (ties included), the
    /// average-pool gradient spreads over the window's real pixels.
    @Test(arguments: cases)
    func poolGradientsMatchNaive(_ c: PoolingCase) {
        // Few distinct values, so windows hold ties and the first-maximum rule is exercised.
        let raw = TestInputs.uniform(c.input, stream: 22).floats.map { ($0 * 3).rounded() }
        let x = Tensor(raw, shape: c.input)
        let same = c.padding == .same
        let maxRef = SpatialReference.pool(x, size: c.size, stride: c.stride, same: same, max: true)
        let avgRef = SpatialReference.pool(
            x, size: c.size, stride: c.stride, same: same, max: false)
        let dy = TestInputs.uniform(maxRef.shape, stream: 23)
        var maxGrad = [Double](repeating: 0, count: x.count)
        var avgGrad = [Double](repeating: 0, count: x.count)
        for (o, g) in dy.floats.enumerated() { maxGrad[maxRef.argmax[o]] += Double(g) }
        // Spread each output's gradient over its window by re-walking the windows.
        let (h, w, ch) = (c.input[1], c.input[2], c.input[3])
        let (oh, pt) = SpatialReference.geometry(h, c.size, c.stride, same)
        let (ow, pl) = SpatialReference.geometry(w, c.size, c.stride, same)
        for o in 0..<dy.count {
            let idx = multiIndex(o, maxRef.shape)
            let (b, r, q, k) = (idx[0], idx[1], idx[2], idx[3])
            precondition(r < oh && q < ow)
            for i in 0..<c.size {
                for j in 0..<c.size {
                    let (ih, iw) = (r * c.stride - pt + i, q * c.stride - pl + j)
                    guard ih >= 0, ih < h, iw >= 0, iw < w else { continue }
                    avgGrad[((b * h + ih) * w + iw) * ch + k] +=
                        Double(dy.floats[o]) / Double(avgRef.counts[o])
                }
            }
        }
        let (_, maxTape) = gradientOf(x) {
            $0.maxPool(size: c.size, stride: c.stride, padding: c.padding) * dy
        }
        let (_, avgTape) = gradientOf(x) {
            $0.avgPool(size: c.size, stride: c.stride, padding: c.padding) * dy
        }
        expectClose(maxTape, maxGrad, shape: c.input)
        expectClose(avgTape, avgGrad, shape: c.input)
    }

    /// The tape gradient of `sum(f(x))`.
    func gradientOf(_ x: Tensor, _ f: (Tensor) -> Tensor) -> (Tensor, Tensor) {
        let p = Parameter(x, path: "x")
        let (v, g) = Tape.valueWithGradients { f(p.read()).sum() }
        return (v, g.first?.1 ?? Tensor.zeros(x.shape))
    }
}
