import CVectorMath

/// The three convolution kernels: forward, input gradient and filter gradient.
///
/// Few input channels (at most `directMaxChannels`) and output channels in blocks of 16 take
/// `CVectorMath`'s direct kernels where the CPU has AVX2 and FMA or AVX-512F (`usesDirect`); the
/// batch is cut into parts of whole images by shape alone, so their results are the same at
/// every thread count, and the same bits at either width.
///
/// Otherwise all three see the convolution as one matrix product over im2col rows:
/// `cols [n * oh * ow, kh * kw * cin] · filter [kh * kw * cin, cout] = y [n * oh * ow, cout]`
/// (an HWIO filter is already that matrix, and NHWC `y` is already row-major in it). The batch is
/// cut into `Window2D.blockCount` blocks of images (a column matrix of about 1 MiB, which
/// stays in the cache between im2col and its GEMM), the blocks run over `ParallelFor`, each
/// part with its own column buffer: one im2col and one `sgemm` per block. The cut depends only
/// on the shapes, so results are the same bits at every thread count; the filter gradient sums
/// its blocks in fixed groups, then the groups in order.
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
                    if usesDirect(g, outChannels: cout) {
                        directForward(px, pf, g, outChannels: cout, into: py)
                        return
                    }
                    if g.isPointwise {
                        BLAS.sgemm(
                            transA: false, transB: false, m: g.batch * g.outPixels, n: cout,
                            k: g.channels, a: px, b: pf, c: py)
                        return
                    }
                    forEachBlock(g) { first, count, cols in
                        im2col(px, g, first: first, count: count, into: cols)
                        BLAS.sgemm(
                            transA: false, transB: false, m: count * g.outPixels,
                            n: cout, k: g.patchSize, a: cols, b: pf,
                            c: py + first * g.outPixels * cout)
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
        // Zeroed by the blocks, each its own images just before adding into them: in parallel,
        // and while they are in the cache (one zeroing pass of a 2 MiB gradient on the caller's
        // thread took a third of the time of a 1x1 stride-2 shortcut's input gradient).
        // (A pointwise product writes every element.)
        var dx = BLAS.outputBuffer(count: g.inputCount, zeroed: dy.isEmpty || cout == 0)
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
                    let floatsPerImage = g.inputCount / g.batch
                    forEachBlock(g) { first, count, cols in
                        (pdx + first * floatsPerImage).initialize(
                            repeating: 0, count: count * floatsPerImage)
                        BLAS.sgemm(
                            transA: false, transB: true, m: count * g.outPixels,
                            n: g.patchSize, k: cout,
                            a: pdy + first * g.outPixels * cout, b: pf, c: cols)
                        col2im(cols, g, first: first, count: count, into: pdx)
                    }
                }
            }
        }
        return dx
    }

    /// `dfilter = im2col(x)ᵀ · dy`: the gradient of `conv2d` with respect to its filter
    /// (`[kh * kw * cin, cout]`, i.e. HWIO), summed over the blocks in fixed groups
    /// (`sumOverBlockGroups`), so the result is the same at every thread count.
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
                    if usesDirect(g, outChannels: cout) {
                        directFilterGradient(px, pdy, g, outChannels: cout, into: pdf)
                        return
                    }
                    if g.isPointwise {
                        BLAS.sgemm(
                            transA: true, transB: false, m: g.channels, n: cout,
                            k: g.batch * g.outPixels, a: px, b: pdy, c: pdf)
                        return
                    }
                    sumOverBlockGroups(g, count: g.patchSize * cout, into: pdf) {
                        first, count, cols, sum, beta in
                        im2col(px, g, first: first, count: count, into: cols)
                        BLAS.sgemm(
                            transA: true, transB: false, m: g.patchSize, n: cout,
                            k: count * g.outPixels, a: cols,
                            b: pdy + first * g.outPixels * cout, beta: beta, c: sum)
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

    /// Calls `body(first, count, cols)` for each of `Window2D.blockCount` blocks of images, the
    /// blocks over `ParallelFor`; `cols` is the running part's column buffer (one block's worth).
    private static func forEachBlock(
        _ g: Window2D, _ body: (Int, Int, UnsafeMutablePointer<Float>) -> Void
    ) {
        ParallelFor.forEach(g.blockCount, grain: 1) { part in
            g.withBlockColumns { cols in
                for block in part {
                    let (first, count) = g.images(ofBlock: block)
                    body(first, count, cols)
                }
            }
        }
    }

    /// Blocks' products summed into `out` (`count` floats) in an order fixed by the shapes
    /// (`sumInGroups` over the blocks): a group's blocks add into its sum one after another
    /// (`body(first, images, cols, sum, beta)` with `beta` 0 for its first block, else 1).
    private static func sumOverBlockGroups(
        _ g: Window2D, count: Int, into out: UnsafeMutablePointer<Float>,
        _ body: (Int, Int, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Float) -> Void
    ) {
        sumInGroups(g.blockCount, count: count, into: out) { blocks, sum in
            g.withBlockColumns { cols in
                for block in blocks {
                    let (first, images) = g.images(ofBlock: block)
                    body(first, images, cols, sum, block == blocks.lowerBound ? 0 : 1)
                }
            }
        }
    }

    /// Partial sums over `items` (blocks or images) in an order fixed by the shapes: the items
    /// fall into at most `maxGroups` groups of consecutive items, `body(items, sum)` writes one
    /// group's sum (`count` floats) into `sum`, the groups run over `ParallelFor`, and their sums
    /// are added in group order (group 0 sums into `out` itself).
    private static func sumInGroups(
        _ items: Int, count: Int, into out: UnsafeMutablePointer<Float>,
        _ body: (Range<Int>, UnsafeMutablePointer<Float>) -> Void
    ) {
        let groups = min(items, maxGroups)
        let sums = UnsafeMutablePointer<Float>.allocate(capacity: max((groups - 1) * count, 1))
        defer { sums.deallocate() }
        ParallelFor.forEach(groups, grain: 1) { part in
            for group in part {
                body(
                    ParallelFor.range(part: group, of: groups, count: items),
                    group == 0 ? out : sums + (group - 1) * count)
            }
        }
        for group in 1..<max(groups, 1) {
            let sum = sums + (group - 1) * count
            for i in 0..<count { out[i] += sum[i] }
        }
    }

    /// At most this many partial sums for the filter gradient: work for four threads.
    private static let maxGroups = 4

    /// The direct kernels' lanes on this CPU (16 or 8), or 0 when they cannot run here.
    static let directLanes = cvectormath_conv2d_lane_width()

    /// Up to this many input channels the direct kernels were measured to beat im2col + GEMM:
    /// every convolution of resnet_tiny (3 to 64 channels; docs/performance.md). At 16 channels
    /// the GEMM's `k = 9 · channels` is too short for OpenBLAS's packing to pay; at 32 and 64 the
    /// products ran near OpenBLAS's peak, but im2col's column matrix still cost a pass over nine
    /// copies of the input. Wider inputs are unmeasured and keep the GEMM.
    static let directMaxChannels = 64

    /// Whether this convolution takes the direct kernels (whose C interface counts sizes in
    /// `int`: anything larger keeps the GEMM path).
    static func usesDirect(_ g: Window2D, outChannels cout: Int) -> Bool {
        let sizes = [g.batch, g.inH, g.inW, g.outH, g.outW, g.kH, g.kW, g.stride, cout]
        return directLanes != 0 && cout > 0 && cout % 16 == 0 && g.channels <= directMaxChannels
            && g.kH * g.kW > 1 && g.outPixels > 0 && g.channels > 0
            && sizes.allSatisfy { $0 <= Int(Int32.max) }
    }

    /// `y = conv2d(x, filter)` by the direct kernel, the images over `ParallelFor`.
    private static func directForward(
        _ x: UnsafePointer<Float>, _ filter: UnsafePointer<Float>, _ g: Window2D,
        outChannels cout: Int, into y: UnsafeMutablePointer<Float>
    ) {
        BLAS.count(m: g.batch * g.outPixels, n: cout, k: g.patchSize)
        let floatsPerImage = g.inH * g.inW * g.channels
        ParallelFor.forEach(g.batch, grain: 1) { images in
            var c = g.direct(images: images.count, outChannels: cout)
            withPaddedImage(c) { padded in
                cvectormath_conv2d_forward(
                    directLanes, &c, x + images.lowerBound * floatsPerImage, filter,
                    y + images.lowerBound * g.outPixels * cout, padded)
            }
        }
    }

    /// `dfilter` by the direct kernel, the images summed in groups (`sumInGroups`), each group
    /// by one call in image order.
    private static func directFilterGradient(
        _ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ g: Window2D,
        outChannels cout: Int, into df: UnsafeMutablePointer<Float>
    ) {
        BLAS.count(m: g.patchSize, n: cout, k: g.batch * g.outPixels)
        let floatsPerImage = g.inH * g.inW * g.channels
        sumInGroups(g.batch, count: g.patchSize * cout, into: df) { images, sum in
            var c = g.direct(images: images.count, outChannels: cout)
            withPaddedImage(c) { padded in
                cvectormath_conv2d_filter_gradient(
                    directLanes, &c, x + images.lowerBound * floatsPerImage,
                    dy + images.lowerBound * g.outPixels * cout, 0, sum, padded)
            }
        }
    }

    private static func withPaddedImage(
        _ c: cvectormath_conv2d, _ body: (UnsafeMutablePointer<Float>) -> Void
    ) {
        var c = c
        let padded = UnsafeMutablePointer<Float>.allocate(
            capacity: max(cvectormath_conv2d_padded_count(&c), 1))
        defer { padded.deallocate() }
        body(padded)
    }
}

extension Window2D {
    /// This window over `images` consecutive images as the direct kernels take it.
    fileprivate func direct(images: Int, outChannels cout: Int) -> cvectormath_conv2d {
        cvectormath_conv2d(
            images: Int32(images), in_h: Int32(inH), in_w: Int32(inW),
            in_channels: Int32(channels), kernel_h: Int32(kH), kernel_w: Int32(kW),
            stride: Int32(stride), out_h: Int32(outH), out_w: Int32(outW),
            out_channels: Int32(cout), pad_top: Int32(padTop), pad_left: Int32(padLeft))
    }
}
