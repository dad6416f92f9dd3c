import GardenTensor
import GardenTestSupport
import Testing

/// One convolution geometry: input and filter shapes, stride and padding.
struct ConvolutionCase: Sendable, CustomTestStringConvertible {
    var input: [Int]
    var filter: [Int]
    var stride: Int
    var padding: SpatialPadding
    var testDescription: String { "x\(input) f\(filter) s\(stride) \(padding)" }

    var same: Bool { padding == .same }
    func x(_ stream: UInt64) -> Tensor { TestInputs.uniform(input, stream: stream) }
    func f(_ stream: UInt64) -> Tensor { TestInputs.uniform(filter, stream: stream) }
}

@Suite("Convolution kernels against naive references")
struct ConvolutionKernelTests {
    static let cases: [ConvolutionCase] = [
        ConvolutionCase(input: [2, 7, 5, 3], filter: [3, 3, 3, 4], stride: 1, padding: .same),
        // 7 → 4 and 5 → 3 at stride 2: padding 1 on both sides.
        ConvolutionCase(input: [2, 7, 5, 3], filter: [3, 3, 3, 4], stride: 2, padding: .same),
        // 6 → 3 at stride 2 with k 3: pad_total 1, all of it after (TF's asymmetric rule).
        ConvolutionCase(input: [1, 6, 6, 2], filter: [3, 3, 2, 3], stride: 2, padding: .same),
        // An even kernel: pad_total 1 at stride 1, after.
        ConvolutionCase(input: [2, 5, 4, 2], filter: [2, 2, 2, 3], stride: 1, padding: .same),
        ConvolutionCase(input: [2, 7, 5, 3], filter: [3, 3, 3, 4], stride: 2, padding: .valid),
        ConvolutionCase(input: [1, 6, 7, 2], filter: [3, 2, 2, 5], stride: 1, padding: .valid),
        // cout <= cin at stride 1: the input gradient is a convolution of dy with the turned
        // filter (SAME, an even kernel with its padding after, a non-square VALID window).
        ConvolutionCase(input: [2, 7, 5, 4], filter: [3, 3, 4, 4], stride: 1, padding: .same),
        ConvolutionCase(input: [2, 5, 4, 3], filter: [2, 2, 3, 2], stride: 1, padding: .same),
        ConvolutionCase(input: [1, 6, 7, 5], filter: [3, 2, 5, 3], stride: 1, padding: .valid),
        // Pointwise (the GEMM-only path) and a strided 1x1 projection.
        ConvolutionCase(input: [3, 4, 5, 6], filter: [1, 1, 6, 2], stride: 1, padding: .same),
        ConvolutionCase(input: [2, 7, 5, 3], filter: [1, 1, 3, 4], stride: 2, padding: .same),
        // Many im2col blocks (one image each: 11 blocks, the filter gradient in 4 groups), and
        // a strided one whose input gradient goes through col2im, each block zeroing its own
        // images first (9 images in 8 blocks: one of two images, the others of one).
        ConvolutionCase(
            input: [11, 24, 24, 32], filter: [3, 3, 32, 4], stride: 1, padding: .same),
        ConvolutionCase(input: [9, 40, 40, 32], filter: [3, 3, 32, 4], stride: 2, padding: .same),
    ]

    @Test func sameAndValidGeometryFollowTensorFlow() {
        #expect(SpatialPadding.same.outputSize(6, kernel: 3, stride: 2) == 3)
        #expect(SpatialPadding.same.padBefore(6, kernel: 3, stride: 2) == 0)
        #expect(SpatialPadding.same.padBefore(7, kernel: 3, stride: 2) == 1)
        #expect(SpatialPadding.same.padBefore(5, kernel: 4, stride: 1) == 1)  // total 3: 1 + 2
        #expect(SpatialPadding.valid.outputSize(7, kernel: 3, stride: 2) == 3)
        #expect(SpatialPadding.valid.outputSize(2, kernel: 3, stride: 1) == 0)
        #expect(SpatialPadding.same.outputSize(-1, kernel: 3, stride: 2) == -1)
        #expect(SpatialPadding.same.tfName == "SAME" && SpatialPadding.valid.tfName == "VALID")
    }

    @Test(arguments: cases)
    func forwardMatchesNaive(_ c: ConvolutionCase) {
        let (x, f) = (c.x(1), c.f(2))
        let ref = SpatialReference.conv2d(x, f, stride: c.stride, same: c.same)
        expectClose(x.conv2d(f, stride: c.stride, padding: c.padding), ref.values, shape: ref.shape)
    }

    @Test(arguments: cases)
    func backpropInputMatchesNaive(_ c: ConvolutionCase) {
        let f = c.f(3)
        let outShape = c.x(1).conv2d(f, stride: c.stride, padding: c.padding).shape
        let dy = TestInputs.uniform(outShape, stream: 4)
        let dx = Tensor.conv2dBackpropInput(
            inputShape: c.input, filter: f, outBackprop: dy,
            stride: c.stride, padding: c.padding)
        let ref = SpatialReference.conv2dBackpropInput(
            c.input, f, dy, stride: c.stride, same: c.same)
        expectClose(dx, ref, shape: c.input)
    }

    @Test(arguments: cases)
    func backpropFilterMatchesNaive(_ c: ConvolutionCase) {
        let x = c.x(5)
        let outShape = x.conv2d(c.f(3), stride: c.stride, padding: c.padding).shape
        let dy = TestInputs.uniform(outShape, stream: 6)
        let df = x.conv2dBackpropFilter(
            filterShape: c.filter, outBackprop: dy, stride: c.stride,
            padding: c.padding)
        let ref = SpatialReference.conv2dBackpropFilter(
            x, c.filter, dy, stride: c.stride, same: c.same)
        expectClose(df, ref, shape: c.filter, absolute: 1e-4)
    }

    /// A batch whose column matrix exceeds one chunk (one image per GEMM) must give what each
    /// image gives alone: outputs and input gradients concatenate, filter gradients add.
    @Test func chunkedBatchEqualsImagesAlone() {
        let x = TestInputs.uniform([2, 48, 48, 100], stream: 7)
        let f = TestInputs.uniform([3, 3, 100, 2], stream: 8)
        let y = x.conv2d(f)
        let dy = TestInputs.uniform(y.shape, stream: 9)
        let image = 48 * 48 * 100, out = 48 * 48 * 2
        var ys: [Float] = [], dxs: [Float] = []
        var df = [Double](repeating: 0, count: f.count)
        for b in 0..<2 {
            let xb = Tensor(
                Array(x.floats[(b * image)..<((b + 1) * image)]), shape: [1, 48, 48, 100])
            let gb = Tensor(Array(dy.floats[(b * out)..<((b + 1) * out)]), shape: [1, 48, 48, 2])
            ys += xb.conv2d(f).floats
            dxs +=
                Tensor.conv2dBackpropInput(
                    inputShape: xb.shape, filter: f, outBackprop: gb,
                    stride: 1, padding: .same
                ).floats
            let dfb = xb.conv2dBackpropFilter(
                filterShape: f.shape, outBackprop: gb, stride: 1,
                padding: .same
            ).floats
            for i in 0..<df.count { df[i] += Double(dfb[i]) }
        }
        expectClose(y, ys.map(Double.init), shape: y.shape)
        expectClose(
            Tensor.conv2dBackpropInput(
                inputShape: x.shape, filter: f, outBackprop: dy,
                stride: 1, padding: .same),
            dxs.map(Double.init), shape: x.shape)
        expectClose(
            x.conv2dBackpropFilter(
                filterShape: f.shape, outBackprop: dy, stride: 1,
                padding: .same),
            df, shape: f.shape, absolute: 1e-3, relative: 1e-4)
    }
}
