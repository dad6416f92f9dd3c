/// The three GEMM-based convolution kernels: forward, input gradient and filter gradient.
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
                            im2col(px, g, first: first, count: count, into: cols)
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

    /// `dx = col2im(dy · filterᵀ)`: the gradient of `conv2d` with respect to its input.
    static func backpropInput(
        _ filter: [Float], _ dy: [Float], _ g: Window2D,
        outChannels cout: Int
    ) -> [Float] {
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
                            col2im(cols, g, first: first, count: count, into: pdx)
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
                            im2col(px, g, first: first, count: count, into: cols)
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
