/// Max and average pooling kernels over NHWC, one output pixel at a time with the channel run
/// innermost (contiguous in input and output, so the inner loops vectorize).
enum PoolKernels {
    /// Max over each window; padding never wins (TensorFlow pads with -inf). Every window of
    /// TensorFlow's SAME rule holds at least one real pixel, because `pad_before < k`.
    static func maxPool(_ x: [Float], _ g: Window2D) -> [Float] {
        let c = g.channels
        var y = [Float](repeating: -.infinity, count: g.batch * g.outPixels * c)
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                forEachTap(g) { out, input in
                    for j in 0..<c { py[out + j] = max(py[out + j], px[input + j]) }
                }
            }
        }
        return y
    }

    /// The flat input offset of each output element's maximum: the first maximum in window scan
    /// order (row by row), which is where TensorFlow's `MaxPoolGrad` routes the gradient.
    static func maxPoolArgmax(_ x: [Float], _ g: Window2D) -> [Int] {
        let c = g.channels
        var best = [Int](repeating: -1, count: g.batch * g.outPixels * c)
        x.withUnsafeBufferPointer { px in
            best.withUnsafeMutableBufferPointer { pb in
                forEachTap(g) { out, input in
                    for j in 0..<c where pb[out + j] < 0 || px[input + j] > px[pb[out + j]] {
                        pb[out + j] = input + j
                    }
                }
            }
        }
        return best
    }

    /// The mean over each window's real pixels: padding counts neither in the sum nor in the
    /// divisor, as in TensorFlow's `AvgPool`.
    static func avgPool(_ x: [Float], _ g: Window2D) -> [Float] {
        let c = g.channels
        var y = [Float](repeating: 0, count: g.batch * g.outPixels * c)
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                forEachTap(g) { out, input in
                    for j in 0..<c { py[out + j] += px[input + j] }
                }
                for o in 0..<(g.batch * g.outPixels) {
                    let scale = 1 / Float(windowCount(g, pixel: o % g.outPixels))
                    for j in 0..<c { py[o * c + j] *= scale }
                }
            }
        }
        return y
    }

    /// The adjoint of `avgPool`: each output gradient spread evenly over its window's pixels.
    static func avgPoolGrad(_ dy: [Float], _ g: Window2D) -> [Float] {
        let c = g.channels
        var dx = [Float](repeating: 0, count: g.inputCount)
        var scaled = dy
        for o in 0..<(g.batch * g.outPixels) {
            let scale = 1 / Float(windowCount(g, pixel: o % g.outPixels))
            for j in 0..<c { scaled[o * c + j] *= scale }
        }
        scaled.withUnsafeBufferPointer { pdy in
            dx.withUnsafeMutableBufferPointer { pdx in
                forEachTap(g) { out, input in
                    for j in 0..<c { pdx[input + j] += pdy[out + j] }
                }
            }
        }
        return dx
    }

    /// How many real (unpadded) pixels the window of output pixel `pixel` (`oh * outW + ow`)
    /// covers.
    static func windowCount(_ g: Window2D, pixel: Int) -> Int {
        let (oh, ow) = (pixel / g.outW, pixel % g.outW)
        let h0 = oh * g.stride - g.padTop, w0 = ow * g.stride - g.padLeft
        let rows = min(h0 + g.kH, g.inH) - max(h0, 0)
        let cols = min(w0 + g.kW, g.inW) - max(w0, 0)
        return max(rows, 0) * max(cols, 0)
    }

    /// Calls `body(outputOffset, inputOffset)` for every (output pixel, real window tap) pair,
    /// in batch, output-row, output-column, window-row, window-column order; offsets point at
    /// channel 0.
    @inline(__always)
    static func forEachTap(_ g: Window2D, _ body: (Int, Int) -> Void) {
        let c = g.channels
        for n in 0..<g.batch {
            for oh in 0..<g.outH {
                for ow in 0..<g.outW {
                    let out = ((n * g.outH + oh) * g.outW + ow) * c
                    for kh in 0..<g.kH {
                        let ih = oh * g.stride - g.padTop + kh
                        if ih < 0 || ih >= g.inH { continue }
                        for kw in 0..<g.kW {
                            let iw = ow * g.stride - g.padLeft + kw
                            if iw < 0 || iw >= g.inW { continue }
                            body(out, ((n * g.inH + ih) * g.inW + iw) * c)
                        }
                    }
                }
            }
        }
    }
}
