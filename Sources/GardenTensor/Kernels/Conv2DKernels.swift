/// The three GEMM-based convolution kernels: forward, input gradient and filter gradient.
/// Each works on the chunks of images `forEachChunk` gives; within a chunk, im2col and col2im
/// split the images over `ParallelFor` and `BLAS.sgemm` splits the product's rows or columns.
///
/// All three see the convolution as one matrix product over im2col rows:
/// `cols [n * oh * ow, kh * kw * cin] · filter [kh * kw * cin, cout] = y [n * oh * ow, cout]`
/// (an HWIO filter is already that matrix, and NHWC `y` is already row-major in it). The batch is
/// processed in chunks of `Window2D.imagesPerChunk` images, one `sgemm` per chunk (the whole
/// batch at once when it fits), with one column buffer allocated per call.
enum Conv2DKernels {
    /// `y = conv2d(x, filter)`, NHWC / HWIO.
    static func forward(_ x: [Float], _ filter: [Float], _ g: Window2D, outChannels cout: Int)
        -> [Float]
    {
        var y = BLAS.outputBuffer(count: g.batch * g.outPixels * cout, zeroed: g.patchSize == 0)
        if y.isEmpty || g.patchSize == 0 { return y }
        x.withUnsafeBufferPointer { px in
            filter.withUnsafeBufferPointer { pf in
                y.withUnsafeMutableBufferPointer { py in
                    guard let px = px.baseAddress, let pf = pf.baseAddress,
                        let py = py.baseAddress
                    else { return }
                    if g.isPointwise {
                        BLAS.sgemm(
                            transA: false, transB: false, m: g.batch * g.outPixels, n: cout,
                            k: g.channels, a: px, b: pf, c: py)
                        return
                    }
                    withColumnBuffer(g) { cols in
                        forEachChunk(g) { first, count in
                            parallelIm2col(px, g, first: first, count: count, into: cols)
                            BLAS.sgemm(
                                transA: false, transB: false, m: count * g.outPixels,
                                n: cout, k: g.patchSize, a: cols, b: pf,
                                c: py + first * g.outPixels * cout)
                        }
                    }
                }
            }
        }
        return y
    }

    /// The gradient of `conv2d` with respect to its input. At stride 1, when the output has no
    /// more channels than the input (every stride-1 3x3 convolution of a ResNet but the stem),
    /// it is a convolution of `dy` with the filter turned by 180° and its channel axes swapped
    /// (`Window2D.transposedAtStrideOne`): im2col of `dy` (`kh·kw·cout` per pixel) and one GEMM
    /// with `k = kh·kw·cout` into `dx`. `col2im(dy · filterᵀ)` instead runs a GEMM with
    /// `k = cout` into a column matrix of `kh·kw·cin` per pixel, zeroed by OpenBLAS first, and
    /// adds that back: more memory traffic unless `cin` is small, as the stem's 3 channels
    /// (docs/performance.md). Other strides: col2im.
    static func backpropInput(
        _ filter: [Float], _ dy: [Float], _ g: Window2D,
        outChannels cout: Int
    ) -> [Float] {
        if g.stride == 1 && !g.isPointwise && cout > 0 && cout <= g.channels {
            return forward(
                dy, turnedFilter(filter, g, outChannels: cout),
                g.transposedAtStrideOne(outChannels: cout), outChannels: g.channels)
        }
        var dx = [Float](repeating: 0, count: g.inputCount)
        if dx.isEmpty || dy.isEmpty || cout == 0 { return dx }
        filter.withUnsafeBufferPointer { pf in
            dy.withUnsafeBufferPointer { pdy in
                dx.withUnsafeMutableBufferPointer { pdx in
                    guard let pf = pf.baseAddress, let pdy = pdy.baseAddress,
                        let pdx = pdx.baseAddress
                    else { return }
                    if g.isPointwise {
                        BLAS.sgemm(
                            transA: false, transB: true, m: g.batch * g.outPixels,
                            n: g.channels, k: cout, a: pdy, b: pf, c: pdx)
                        return
                    }
                    withColumnBuffer(g) { cols in
                        forEachChunk(g) { first, count in
                            BLAS.sgemm(
                                transA: false, transB: true, m: count * g.outPixels,
                                n: g.patchSize, k: cout,
                                a: pdy + first * g.outPixels * cout, b: pf, c: cols)
                            parallelCol2im(cols, g, first: first, count: count, into: pdx)
                        }
                    }
                }
            }
        }
        return dx
    }

    /// `dfilter = im2col(x)ᵀ · dy`: the gradient of `conv2d` with respect to its filter
    /// (`[kh * kw * cin, cout]`, i.e. HWIO). Chunks accumulate in a fixed order (`beta = 1` after
    /// the first), so the result is repeatable.
    static func backpropFilter(
        _ x: [Float], _ dy: [Float], _ g: Window2D,
        outChannels cout: Int
    ) -> [Float] {
        var df = BLAS.outputBuffer(count: g.patchSize * cout, zeroed: g.batch * g.outPixels == 0)
        if df.isEmpty || g.batch * g.outPixels == 0 { return df }
        x.withUnsafeBufferPointer { px in
            dy.withUnsafeBufferPointer { pdy in
                df.withUnsafeMutableBufferPointer { pdf in
                    guard let px = px.baseAddress, let pdy = pdy.baseAddress,
                        let pdf = pdf.baseAddress
                    else { return }
                    if g.isPointwise {
                        BLAS.sgemm(
                            transA: true, transB: false, m: g.channels, n: cout,
                            k: g.batch * g.outPixels, a: px, b: pdy, c: pdf)
                        return
                    }
                    withColumnBuffer(g) { cols in
                        forEachChunk(g) { first, count in
                            parallelIm2col(px, g, first: first, count: count, into: cols)
                            BLAS.sgemm(
                                transA: true, transB: false, m: g.patchSize, n: cout,
                                k: count * g.outPixels, a: cols,
                                b: pdy + first * g.outPixels * cout,
                                beta: first == 0 ? 0 : 1, c: pdf)
                        }
                    }
                }
            }
        }
        return df
    }

    /// `filter [kh, kw, cin, cout]` turned by 180° in space with its channel axes swapped:
    /// `[kh, kw, cout, cin]` with `turned[i][j][o][c] = filter[kh-1-i][kw-1-j][c][o]`.
    private static func turnedFilter(_ filter: [Float], _ g: Window2D, outChannels cout: Int)
        -> [Float]
    {
        let (kh, kw, cin) = (g.kH, g.kW, g.channels)
        var turned = [Float](repeating: 0, count: filter.count)
        for i in 0..<kh {
            for j in 0..<kw {
                let to = (i * kw + j) * cout * cin
                let from = ((kh - 1 - i) * kw + (kw - 1 - j)) * cin * cout
                for o in 0..<cout {
                    for c in 0..<cin { turned[to + o * cin + c] = filter[from + c * cout + o] }
                }
            }
        }
        return turned
    }

    /// `im2col` of a chunk with its images split over `ParallelFor` (each image's rows are its own).
    private static func parallelIm2col(
        _ x: UnsafePointer<Float>, _ g: Window2D, first: Int, count: Int,
        into cols: UnsafeMutablePointer<Float>
    ) {
        forEachImageRange(g, count: count) { offset, images, rows in
            im2col(x, g, first: first + offset, count: images, into: cols + rows)
        }
    }

    /// `col2im` of a chunk with its images split over `ParallelFor`: an image's terms all land in
    /// its own part of `dx`, in the serial order.
    private static func parallelCol2im(
        _ cols: UnsafePointer<Float>, _ g: Window2D, first: Int, count: Int,
        into dx: UnsafeMutablePointer<Float>
    ) {
        forEachImageRange(g, count: count) { offset, images, rows in
            col2im(cols + rows, g, first: first + offset, count: images, into: dx)
        }
    }

    /// Splits a chunk's `count` images over `ParallelFor`: `body(offset, images, columnOffset)`,
    /// the part's first image within the chunk, its image count and where its column rows start.
    private static func forEachImageRange(
        _ g: Window2D, count: Int, _ body: (Int, Int, Int) -> Void
    ) {
        let perImage = max(g.outPixels * g.patchSize, 1)
        ParallelFor.forEach(count, grain: max(1, ParallelFor.defaultGrain / perImage)) { images in
            body(images.lowerBound, images.count, images.lowerBound * perImage)
        }
    }

    /// Runs `body` with a column buffer for one chunk, allocated once for the whole call.
    private static func withColumnBuffer(
        _ g: Window2D,
        _ body: (UnsafeMutablePointer<Float>) -> Void
    ) {
        let size = g.imagesPerChunk * g.outPixels * g.patchSize
        let cols = UnsafeMutablePointer<Float>.allocate(capacity: max(size, 1))
        defer { cols.deallocate() }
        body(cols)
    }

    /// Calls `body(first, count)` for consecutive chunks of images covering the batch.
    private static func forEachChunk(_ g: Window2D, _ body: (Int, Int) -> Void) {
        let chunk = g.imagesPerChunk
        var first = 0
        while first < g.batch {
            body(first, min(chunk, g.batch - first))
            first += chunk
        }
    }
}
