import GardenTensor

/// Slow, obviously correct Double references for the NHWC convolution, pooling and batch-norm
/// kernels: every output is computed from its definition with explicit padding arithmetic, and
/// shares no code with the kernels.
enum SpatialReference {
    /// TensorFlow's SAME/VALID output size and padding before, written out from the formula.
    static func geometry(_ input: Int, _ k: Int, _ s: Int, _ same: Bool) -> (out: Int, pad: Int) {
        if !same { return ((input - k) / s + 1, 0) }
        let out = Int((Double(input) / Double(s)).rounded(.up))
        let total = max((out - 1) * s + k - input, 0)
        return (out, total / 2)
    }

    /// `y[n, oh, ow, co] = Σ x[n, oh*s - pt + i, ow*s - pl + j, ci] * f[i, j, ci, co]`.
    static func conv2d(_ x: Tensor, _ f: Tensor, stride s: Int, same: Bool) -> (
        values: [Double], shape: [Int]
    ) {
        let (n, h, w, ci) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (kh, kw, co) = (f.shape[0], f.shape[1], f.shape[3])
        let (oh, pt) = geometry(h, kh, s, same), (ow, pl) = geometry(w, kw, s, same)
        let xv = x.floats, fv = f.floats
        var y = [Double](repeating: 0, count: n * oh * ow * co)
        for b in 0..<n {
            for r in 0..<oh {
                for c in 0..<ow {
                    for o in 0..<co {
                        var acc = 0.0
                        for i in 0..<kh {
                            for j in 0..<kw {
                                let (ih, iw) = (r * s - pt + i, c * s - pl + j)
                                guard ih >= 0, ih < h, iw >= 0, iw < w else { continue }
                                for k in 0..<ci {
                                    acc +=
                                        Double(xv[((b * h + ih) * w + iw) * ci + k])
                                        * Double(fv[((i * kw + j) * ci + k) * co + o])
                                }
                            }
                        }
                        y[((b * oh + r) * ow + c) * co + o] = acc
                    }
                }
            }
        }
        return (y, [n, oh, ow, co])
    }

    /// The input gradient of `conv2d` by scattering each output gradient through the filter.
    static func conv2dBackpropInput(
        _ inputShape: [Int], _ f: Tensor, _ dy: Tensor, stride s: Int,
        same: Bool
    ) -> [Double] {
        let (n, h, w, ci) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let (kh, kw, co) = (f.shape[0], f.shape[1], f.shape[3])
        let (oh, pt) = geometry(h, kh, s, same), (ow, pl) = geometry(w, kw, s, same)
        let fv = f.floats, g = dy.floats
        var dx = [Double](repeating: 0, count: n * h * w * ci)
        for b in 0..<n {
            for r in 0..<oh {
                for c in 0..<ow {
                    for o in 0..<co {
                        for i in 0..<kh {
                            for j in 0..<kw {
                                let (ih, iw) = (r * s - pt + i, c * s - pl + j)
                                guard ih >= 0, ih < h, iw >= 0, iw < w else { continue }
                                for k in 0..<ci {
                                    dx[((b * h + ih) * w + iw) * ci + k] +=
                                        Double(g[((b * oh + r) * ow + c) * co + o])
                                        * Double(fv[((i * kw + j) * ci + k) * co + o])
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx
    }

    /// The filter gradient of `conv2d`: correlation of the input with the output gradient.
    static func conv2dBackpropFilter(
        _ x: Tensor, _ filterShape: [Int], _ dy: Tensor, stride s: Int,
        same: Bool
    ) -> [Double] {
        let (n, h, w, ci) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (kh, kw, co) = (filterShape[0], filterShape[1], filterShape[3])
        let (oh, pt) = geometry(h, kh, s, same), (ow, pl) = geometry(w, kw, s, same)
        let xv = x.floats, g = dy.floats
        var df = [Double](repeating: 0, count: kh * kw * ci * co)
        for b in 0..<n {
            for r in 0..<oh {
                for c in 0..<ow {
                    for o in 0..<co {
                        for i in 0..<kh {
                            for j in 0..<kw {
                                let (ih, iw) = (r * s - pt + i, c * s - pl + j)
                                guard ih >= 0, ih < h, iw >= 0, iw < w else { continue }
                                for k in 0..<ci {
                                    df[((i * kw + j) * ci + k) * co + o] +=
                                        Double(xv[((b * h + ih) * w + iw) * ci + k])
                                        * Double(g[((b * oh + r) * ow + c) * co + o])
                                }
                            }
                        }
                    }
                }
            }
        }
        return df
    }

    /// Max or mean over each window's real pixels, plus (for max) the flat input index of each
    /// output's first maximum in row-major window order.
    static func pool(_ x: Tensor, size k: Int, stride s: Int, same: Bool, max useMax: Bool)
        -> (values: [Double], shape: [Int], argmax: [Int], counts: [Int])
    {
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (oh, pt) = geometry(h, k, s, same), (ow, pl) = geometry(w, k, s, same)
        let xv = x.floats
        var y: [Double] = [], argmax: [Int] = [], counts: [Int] = []
        for b in 0..<n {
            for r in 0..<oh {
                for q in 0..<ow {
                    for ch in 0..<c {
                        var best = -Double.infinity, at = -1, sum = 0.0, count = 0
                        for i in 0..<k {
                            for j in 0..<k {
                                let (ih, iw) = (r * s - pt + i, q * s - pl + j)
                                guard ih >= 0, ih < h, iw >= 0, iw < w else { continue }
                                let idx = ((b * h + ih) * w + iw) * c + ch
                                let v = Double(xv[idx])
                                if v > best { best = v; at = idx }
                                sum += v
                                count += 1
                            }
                        }
                        y.append(useMax ? best : sum / Double(count))
                        argmax.append(at)
                        counts.append(count)
                    }
                }
            }
        }
        return (y, [n, oh, ow, c], argmax, counts)
    }

    /// Per-channel biased mean and variance over all but the last axis.
    static func moments(_ x: Tensor) -> (mean: [Double], variance: [Double]) {
        let c = x.shape[x.rank - 1]
        let v = x.floats.map(Double.init)
        let m = v.count / c
        var mean = [Double](repeating: 0, count: c), variance = mean
        for i in 0..<v.count { mean[i % c] += v[i] / Double(m) }
        for i in 0..<v.count {
            variance[i % c] += (v[i] - mean[i % c]) * (v[i] - mean[i % c]) / Double(m)
        }
        return (mean, variance)
    }

    /// `(x - mean) / sqrt(variance + eps) * scale + offset` per channel.
    static func normalize(
        _ x: Tensor, mean: [Double], variance: [Double], scale: [Float],
        offset: [Float], epsilon: Double
    ) -> [Double] {
        let c = mean.count
        return x.floats.enumerated().map { i, v in
            (Double(v) - mean[i % c]) / (variance[i % c] + epsilon).squareRoot()
                * Double(scale[i % c]) + Double(offset[i % c])
        }
    }
}
