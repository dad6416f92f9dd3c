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

    /// How many images one im2col chunk holds: the whole batch when its column matrix is small,
    /// else as many as fit in about 16 MB, so memory stays bounded for large batches while
    /// small ones still make a single GEMM.
    var imagesPerChunk: Int {
        let perImage = max(outPixels * patchSize, 1)
        return max(1, min(batch, (1 << 22) / perImage))
    }

    /// The NHWC output shape with `channels` output channels.
    func outputShape(channels c: Int) -> [Int] { [batch, outH, outW, c] }
}

extension Window2D {
    /// Calls `body(column, input)` for every window tap of images `first ..< first + count`, in
    /// im2col order: `column` is the tap's offset in the column matrix of those images, `input`
    /// its offset in the NHWC input, or -1 where the window hangs over the padding. Both point at
    /// channel 0 of a contiguous run of `channels` values.
    @inline(__always)
    func forEachPatchTap(first: Int, count: Int, _ body: (_ column: Int, _ input: Int) -> Void) {
        var column = 0
        for n in first..<(first + count) {
            let image = n * inH * inW * channels
            for oh in 0..<outH {
                for ow in 0..<outW {
                    for kh in 0..<kH {
                        let ih = oh * stride - padTop + kh
                        for kw in 0..<kW {
                            let iw = ow * stride - padLeft + kw
                            let inside = ih >= 0 && ih < inH && iw >= 0 && iw < inW
                            body(column, inside ? image + (ih * inW + iw) * channels : -1)
                            column += channels
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
/// The channel run of each tap is contiguous in both buffers, so the inner copy is a memcpy.
func im2col(
    _ x: UnsafePointer<Float>, _ g: Window2D, first: Int, count: Int,
    into cols: UnsafeMutablePointer<Float>
) {
    g.forEachPatchTap(first: first, count: count) { column, input in
        if input >= 0 {
            (cols + column).update(from: x + input, count: g.channels)
        } else {
            (cols + column).update(repeating: 0, count: g.channels)
        }
    }
}

/// The adjoint of `im2col`: adds each row of `cols` back into the window positions of images
/// `first ..< first + count` of `dx` (padding positions are dropped).
func col2im(
    _ cols: UnsafePointer<Float>, _ g: Window2D, first: Int, count: Int,
    into dx: UnsafeMutablePointer<Float>
) {
    g.forEachPatchTap(first: first, count: count) { column, input in
        guard input >= 0 else { return }
        let (src, dst) = (cols + column, dx + input)
        for j in 0..<g.channels { dst[j] += src[j] }
    }
}
