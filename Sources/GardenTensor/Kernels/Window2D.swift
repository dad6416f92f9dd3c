/// The geometry of a 2-D window sliding over a concrete NHWC tensor: sizes, stride, padding and
/// the output size, shared by the convolution and pooling kernels.
struct Window2D {
    let batch: Int, inH: Int, inW: Int, channels: Int
    let kH: Int, kW: Int, stride: Int
    let outH: Int, outW: Int
    let padTop: Int, padLeft: Int

    /// The geometry of a `kH x kW` window at `stride` with `padding` over a concrete NHWC
    /// `input` shape `[n, h, w, c]`; `op` names the caller in precondition messages.
    init(input: [Int], kH: Int, kW: Int, stride: Int, padding: SpatialPadding, op: String) {
        precondition(input.count == 4, "\(op): input must be NHWC rank 4, got \(input)")
        precondition(
            stride >= 1 && kH >= 1 && kW >= 1,
            "\(op): window \(kH)x\(kW) and stride \(stride) must be positive")
        batch = input[0]; inH = input[1]; inW = input[2]; channels = input[3]
        self.kH = kH; self.kW = kW; self.stride = stride
        outH = padding.outputSize(inH, kernel: kH, stride: stride)
        outW = padding.outputSize(inW, kernel: kW, stride: stride)
        padTop = padding.padBefore(inH, kernel: kH, stride: stride)
        padLeft = padding.padBefore(inW, kernel: kW, stride: stride)
    }

    /// Output positions per image.
    var outPixels: Int { outH * outW }
    /// Elements of one im2col row: `kH * kW * channels`, in HWIO filter order.
    var patchSize: Int { kH * kW * channels }
    var inputCount: Int { batch * inH * inW * channels }

    /// True when im2col would be the identity (a 1x1 stride-1 window without padding), so the
    /// input itself is the column matrix.
    var isPointwise: Bool { kH == 1 && kW == 1 && stride == 1 && padTop == 0 && padLeft == 0 }

    /// How many im2col blocks the batch is cut into: enough that a block's column matrix is
    /// near 256 Ki floats (1 MiB, about one core's L2 cache, so the GEMM reads what im2col just
    /// wrote from the cache), rounded up to a multiple of four so that two or four threads get
    /// equal shares (five blocks left one of two threads idle for a fifth of the call), and at
    /// most one per image. It depends only on the shapes: the blocks, and so every sum, are the
    /// same at any thread count.
    var blockCount: Int {
        let fitting = max(1, (1 << 18) / max(outPixels * patchSize, 1))
        let needed = (batch + fitting - 1) / fitting
        return max(1, min(batch, (needed + 3) / 4 * 4))
    }

    /// The most images a block holds.
    var imagesPerBlock: Int { (batch + blockCount - 1) / blockCount }

    /// The images of block `b`: its first image and how many it holds (the blocks split the
    /// batch as evenly as whole images allow, as `ParallelFor.range` splits a range).
    func images(ofBlock b: Int) -> (first: Int, count: Int) {
        let range = ParallelFor.range(part: b, of: blockCount, count: batch)
        return (range.lowerBound, range.count)
    }

    /// Runs `body` with a column buffer for one block (`imagesPerBlock` images' im2col rows).
    func withBlockColumns(_ body: (UnsafeMutablePointer<Float>) -> Void) {
        let cols = UnsafeMutablePointer<Float>.allocate(
            capacity: max(imagesPerBlock * outPixels * patchSize, 1))
        defer { cols.deallocate() }
        body(cols)
    }

    /// The NHWC output shape with `channels` output channels.
    func outputShape(channels c: Int) -> [Int] { [batch, outH, outW, c] }
}

extension Window2D {
    /// The geometry of this convolution's input gradient at stride 1, as a convolution of the
    /// output gradient (`outH x outW x cout`) with the filter turned by 180° (`cout` in, `cin`
    /// out): tap `k` of that window meets output row `ih - (kH - 1 - padTop) + k`, the output row
    /// that tap `kH - 1 - k` of this window maps to `ih`. Positions off the output gradient read
    /// zeros, as im2col's padding.
    func transposedAtStrideOne(outChannels cout: Int) -> Window2D {
        precondition(stride == 1, "transposedAtStrideOne: stride \(stride)")
        return Window2D(
            batch: batch, inH: outH, inW: outW, channels: cout, kH: kH, kW: kW, stride: 1,
            outH: inH, outW: inW, padTop: kH - 1 - padTop, padLeft: kW - 1 - padLeft)
    }

    private init(
        batch: Int, inH: Int, inW: Int, channels: Int, kH: Int, kW: Int, stride: Int,
        outH: Int, outW: Int, padTop: Int, padLeft: Int
    ) {
        self.batch = batch; self.inH = inH; self.inW = inW; self.channels = channels
        self.kH = kH; self.kW = kW; self.stride = stride
        self.outH = outH; self.outW = outW; self.padTop = padTop; self.padLeft = padLeft
    }

    /// Calls `body(column, input, taps)` for the window taps of images `first ..< first + count`
    /// in im2col order, a run of `taps` horizontally adjacent taps at a time: `taps · channels`
    /// values, contiguous in both buffers, at `column` in the column matrix and at `input` in the
    /// NHWC input, or `input == -1` where the run hangs over the padding. A window row wholly
    /// inside the input (or wholly above or below it) is one run; at the left and right borders
    /// each tap is its own run. Runs of one window row come in increasing tap order.
    @inline(__always)
    func forEachPatchRun(
        first: Int, count: Int, _ body: (_ column: Int, _ input: Int, _ taps: Int) -> Void
    ) {
        var column = 0
        let run = kW * channels
        for n in first..<(first + count) {
            let image = n * inH * inW * channels
            for oh in 0..<outH {
                for ow in 0..<outW {
                    let iw0 = ow * stride - padLeft
                    let rowInside = iw0 >= 0 && iw0 + kW <= inW
                    for kh in 0..<kH {
                        let ih = oh * stride - padTop + kh
                        if ih < 0 || ih >= inH {
                            body(column, -1, kW)
                            column += run
                        } else if rowInside {
                            body(column, image + (ih * inW + iw0) * channels, kW)
                            column += run
                        } else {
                            for kw in 0..<kW {
                                let iw = iw0 + kw
                                let inside = iw >= 0 && iw < inW
                                body(column, inside ? image + (ih * inW + iw) * channels : -1, 1)
                                column += channels
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Unrolls the windows of images `first ..< first + count` of `x` into rows of `cols`
/// (`[count * outH * outW, kH * kW * C]`, zeros where a window hangs over the padding).
///
/// Each run of taps is contiguous in both buffers. Runs are short (`kW · C` values: 9 for the
/// 3-channel stem, 48 at 16 channels), so they are copied 8 floats at a time inline rather
/// than by a `memmove` call each (the calls were most of im2col's cost at these sizes).
func im2col(
    _ x: UnsafePointer<Float>, _ g: Window2D, first: Int, count: Int,
    into cols: UnsafeMutablePointer<Float>
) {
    g.forEachPatchRun(first: first, count: count) { column, input, taps in
        let n = taps * g.channels
        let dst = UnsafeMutableRawPointer(cols + column)
        if input < 0 {
            (cols + column).update(repeating: 0, count: n)
            return
        }
        let src = UnsafeRawPointer(x + input)
        var j = 0
        while j + 8 <= n {
            dst.storeBytes(
                of: src.loadUnaligned(fromByteOffset: 4 * j, as: SIMD8<Float>.self),
                toByteOffset: 4 * j, as: SIMD8<Float>.self)
            j += 8
        }
        while j < n {
            dst.storeBytes(
                of: src.loadUnaligned(fromByteOffset: 4 * j, as: Float.self),
                toByteOffset: 4 * j, as: Float.self)
            j += 1
        }
    }
}

/// The adjoint of `im2col`: adds each row of `cols` back into the window positions of images
/// `first ..< first + count` of `dx` (padding positions are dropped). Every position receives
/// its terms in im2col order, whatever the runs, so the sums are repeatable.
func col2im(
    _ cols: UnsafePointer<Float>, _ g: Window2D, first: Int, count: Int,
    into dx: UnsafeMutablePointer<Float>
) {
    g.forEachPatchRun(first: first, count: count) { column, input, taps in
        guard input >= 0 else { return }
        let (src, dst) = (cols + column, dx + input)
        for j in 0..<(taps * g.channels) { dst[j] += src[j] }
    }
}
