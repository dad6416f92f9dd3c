import CVectorMath
import Foundation
import GardenTestSupport
import Testing

@testable import GardenTensor

/// `CVectorMath`'s direct convolution against a scalar reference that states its order: each
/// output element is one chain of fused multiply-adds from +0 (padding reading +0), so every
/// element must have the reference's bits at 8 and at 16 lanes, for tiles and their tails.
@Suite struct DirectConvolutionTests {
    static let cases: [ConvolutionCase] = [
        // The stem: 3 channels, a window row of 9 taps (filter gradient tiles 8 + 1 or 6 + 3).
        ConvolutionCase(input: [2, 9, 11, 3], filter: [3, 3, 3, 16], stride: 1, padding: .same),
        // 37 pixels a row: tiles of 16 + 16, then five single pixels at 16 lanes; 6 · 6 + 1 at 8.
        ConvolutionCase(input: [2, 5, 37, 16], filter: [3, 3, 16, 16], stride: 1, padding: .same),
        // Two blocks of output channels at stride 2.
        ConvolutionCase(
            input: [3, 10, 19, 16], filter: [3, 3, 16, 32], stride: 2, padding: .same),
        // 6 -> 3 at stride 2: all of the padding after.
        ConvolutionCase(input: [2, 6, 6, 2], filter: [3, 3, 2, 16], stride: 2, padding: .same),
        // Four blocks in two pairs at 16 lanes: rows of 8 + 1 pixels, window rows of 8 + 7 taps,
        // the filter gradient's rows in bands of 7 + 2.
        ConvolutionCase(input: [2, 9, 9, 5], filter: [3, 3, 5, 64], stride: 1, padding: .same),
        // 16 output channels, the filter gradient's taps in vectors at 16 lanes: window rows of
        // two vectors of taps, and of one (the 37-pixel case above: three).
        ConvolutionCase(input: [2, 7, 9, 16], filter: [2, 2, 16, 16], stride: 1, padding: .valid),
        ConvolutionCase(input: [2, 8, 9, 16], filter: [3, 1, 16, 16], stride: 2, padding: .same),
        // 16 channels in and out, rows of whole pairs of 16-pixel vectors: the forward pass with
        // the pixels in the vectors at 16 lanes (its padded copy transposing 16 columns at a
        // time, and the last 2 of 66 one by one).
        ConvolutionCase(input: [2, 5, 32, 16], filter: [3, 3, 16, 16], stride: 1, padding: .same),
        ConvolutionCase(
            input: [1, 6, 66, 16], filter: [3, 3, 16, 16], stride: 1, padding: .valid),
        // Wider inputs (up to `directMaxChannels`): a window row of 144 taps.
        ConvolutionCase(input: [2, 6, 7, 48], filter: [3, 3, 48, 32], stride: 1, padding: .same),
        // A non-square window without padding, and a stride of 3 (offsets known at run time).
        ConvolutionCase(input: [1, 7, 6, 5], filter: [2, 3, 5, 16], stride: 1, padding: .valid),
        ConvolutionCase(input: [1, 11, 13, 4], filter: [3, 3, 4, 16], stride: 3, padding: .valid),
    ]

    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(state >> 40) / Float(1 << 24) - 0.5
        }
    }

    /// `x`'s value under tap `(i, j)` of output pixel `(oh, ow)`, channel `k`; 0 in the padding.
    static func tap(
        _ x: [Float], _ g: Window2D, n: Int, oh: Int, ow: Int, i: Int, j: Int, k: Int
    ) -> Float {
        let (ih, iw) = (oh * g.stride - g.padTop + i, ow * g.stride - g.padLeft + j)
        guard ih >= 0, ih < g.inH, iw >= 0, iw < g.inW else { return 0 }
        return x[((n * g.inH + ih) * g.inW + iw) * g.channels + k]
    }

    static func referenceForward(_ x: [Float], _ f: [Float], _ g: Window2D, cout: Int) -> [Float] {
        var y = [Float](repeating: 0, count: g.batch * g.outPixels * cout)
        for n in 0..<g.batch {
            for oh in 0..<g.outH {
                for ow in 0..<g.outW {
                    for o in 0..<cout {
                        var acc: Float = 0
                        for i in 0..<g.kH {
                            for j in 0..<g.kW {
                                for k in 0..<g.channels {
                                    let w = f[((i * g.kW + j) * g.channels + k) * cout + o]
                                    let v = tap(x, g, n: n, oh: oh, ow: ow, i: i, j: j, k: k)
                                    acc = acc.addingProduct(v, w)
                                }
                            }
                        }
                        y[((n * g.outH + oh) * g.outW + ow) * cout + o] = acc
                    }
                }
            }
        }
        return y
    }

    /// The filter gradient over images `images`, each element one chain over `n`, `oh`, `ow`.
    static func referenceFilterGradient(
        _ x: [Float], _ dy: [Float], _ g: Window2D, cout: Int, images: Range<Int>
    ) -> [Float] {
        var df = [Float](repeating: 0, count: g.patchSize * cout)
        for i in 0..<g.kH {
            for j in 0..<g.kW {
                for k in 0..<g.channels {
                    for o in 0..<cout {
                        var acc: Float = 0
                        for n in images {
                            for oh in 0..<g.outH {
                                for ow in 0..<g.outW {
                                    let d = dy[((n * g.outH + oh) * g.outW + ow) * cout + o]
                                    let v = tap(x, g, n: n, oh: oh, ow: ow, i: i, j: j, k: k)
                                    acc = acc.addingProduct(v, d)
                                }
                            }
                        }
                        df[((i * g.kW + j) * g.channels + k) * cout + o] = acc
                    }
                }
            }
        }
        return df
    }

    static func convolution(_ g: Window2D, images: Int, cout: Int) -> cvectormath_conv2d {
        cvectormath_conv2d(
            images: Int32(images), in_h: Int32(g.inH), in_w: Int32(g.inW),
            in_channels: Int32(g.channels), kernel_h: Int32(g.kH), kernel_w: Int32(g.kW),
            stride: Int32(g.stride), out_h: Int32(g.outH), out_w: Int32(g.outW),
            out_channels: Int32(cout), pad_top: Int32(g.padTop), pad_left: Int32(g.padLeft))
    }

    /// The first index where `a` and `b` differ in bits (or `-1` for different counts); nil
    /// when they are the same (compared this way, a failure names one element, not two arrays).
    static func firstDifference(_ a: [Float], _ b: [Float]) -> Int? {
        guard a.count == b.count else { return -1 }
        return a.indices.first { a[$0].bitPattern != b[$0].bitPattern }
    }

    /// 8 lanes wherever the direct kernels run, and 16 too on AVX-512 hosts.
    static var widths: [Int32] { cvectormath_conv2d_lane_width() == 16 ? [8, 16] : [8] }

    /// The width the CPU's flags call for (`/proc/cpuinfo`): 16 with avx512f, 8 with avx2 and
    /// fma, else 0.
    static func widthFromCPUFlags() throws -> Int32 {
        let info = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flags = try #require(
            info.split(separator: "\n").first { $0.hasPrefix("flags") }, "no flags line")
        let words = Set(flags.split(separator: " ").map(String.init))
        if words.contains("avx512f") { return 16 }
        return words.contains("avx2") && words.contains("fma") ? 8 : 0
    }

    @Test func theWidthFollowsTheCPUAndTheConvolutionsUseIt() throws {
        #if arch(x86_64) && os(Linux)
            #expect(cvectormath_conv2d_lane_width() == (try Self.widthFromCPUFlags()))
        #endif
        let direct = cvectormath_conv2d_lane_width() != 0
        let stage = ConvolutionCase(
            input: [2, 8, 8, 16], filter: [3, 3, 16, 16], stride: 1, padding: .same)
        #expect(Conv2DKernels.usesDirect(stage.window, outChannels: 16) == direct)
        // Wide inputs, output channels off the 16-blocks and 1x1 windows keep the GEMM path.
        let wide = ConvolutionCase(
            input: [2, 8, 8, 128], filter: [3, 3, 128, 32], stride: 1, padding: .same)
        #expect(!Conv2DKernels.usesDirect(wide.window, outChannels: 32))
        #expect(!Conv2DKernels.usesDirect(stage.window, outChannels: 24))
        let pointwise = ConvolutionCase(
            input: [2, 8, 8, 16], filter: [1, 1, 16, 32], stride: 2, padding: .same)
        #expect(!Conv2DKernels.usesDirect(pointwise.window, outChannels: 32))
    }

    @Test(
        .enabled(if: cvectormath_conv2d_lane_width() != 0, "no AVX2: convolutions use GEMM"),
        arguments: cases)
    func forwardHasTheReferenceBits(_ c: ConvolutionCase) {
        let g = c.window
        let x = Self.values(g.inputCount, seed: 11)
        let f = Self.values(g.patchSize * c.outChannels, seed: 12)
        let expected = Self.referenceForward(x, f, g, cout: c.outChannels)
        var conv = Self.convolution(g, images: g.batch, cout: c.outChannels)
        for lanes in Self.widths {
            // One guard element past the end.
            var y = [Float](repeating: -7, count: expected.count + 1)
            var padded = [Float](repeating: .nan, count: cvectormath_conv2d_padded_count(&conv))
            cvectormath_conv2d_forward(lanes, &conv, x, f, &y, &padded)
            #expect(Self.firstDifference(Array(y.dropLast()), expected) == nil, "\(lanes) lanes")
            #expect(y.last == -7, "\(lanes) lanes: wrote past the end")
        }
        // And through the primitive, at the machine's width and thread count.
        let tensor = Tensor(x, shape: c.input).conv2d(
            Tensor(f, shape: c.filter), stride: c.stride, padding: c.padding)
        #expect(Self.firstDifference(tensor.floats, expected) == nil)
    }

    @Test(
        .enabled(if: cvectormath_conv2d_lane_width() != 0, "no AVX2: convolutions use GEMM"),
        arguments: cases)
    func filterGradientHasTheReferenceBits(_ c: ConvolutionCase) {
        let g = c.window
        let cout = c.outChannels
        let x = Self.values(g.inputCount, seed: 21)
        let dy = Self.values(g.batch * g.outPixels * cout, seed: 22)
        let expected = Self.referenceFilterGradient(x, dy, g, cout: cout, images: 0..<g.batch)
        var whole = Self.convolution(g, images: g.batch, cout: cout)
        var padded = [Float](repeating: .nan, count: cvectormath_conv2d_padded_count(&whole))
        for lanes in Self.widths {
            var df = [Float](repeating: -7, count: expected.count + 1)
            cvectormath_conv2d_filter_gradient(lanes, &whole, x, dy, 0, &df, &padded)
            #expect(Self.firstDifference(Array(df.dropLast()), expected) == nil, "\(lanes) lanes")
            #expect(df.last == -7, "\(lanes) lanes: wrote past the end")
            // The chain carries on from `df` with `accumulate`: the first image, then the rest.
            guard g.batch > 1 else { continue }
            var first = Self.convolution(g, images: 1, cout: cout)
            var rest = Self.convolution(g, images: g.batch - 1, cout: cout)
            var split = [Float](repeating: 0, count: expected.count)
            cvectormath_conv2d_filter_gradient(lanes, &first, x, dy, 0, &split, &padded)
            x.withUnsafeBufferPointer { px in
                dy.withUnsafeBufferPointer { pdy in
                    cvectormath_conv2d_filter_gradient(
                        lanes, &rest, px.baseAddress! + g.inH * g.inW * g.channels,
                        pdy.baseAddress! + g.outPixels * cout, 1, &split, &padded)
                }
            }
            #expect(
                Self.firstDifference(split, expected) == nil, "\(lanes) lanes, split after image 0")
        }
    }

    /// The primitive sums the images in at most four groups of consecutive images, each one
    /// chain, and adds the groups in order (the same at every thread count).
    @Test(.enabled(if: cvectormath_conv2d_lane_width() != 0, "no AVX2: convolutions use GEMM"))
    func theFilterGradientPrimitiveAddsImageGroupsInOrder() {
        let c = ConvolutionCase(
            input: [6, 9, 10, 3], filter: [3, 3, 3, 16], stride: 1, padding: .same)
        let g = c.window
        let x = Self.values(g.inputCount, seed: 31)
        let dy = Self.values(g.batch * g.outPixels * 16, seed: 32)
        var expected = [Float](repeating: 0, count: g.patchSize * 16)
        for group in 0..<4 {
            let images = ParallelFor.range(part: group, of: 4, count: g.batch)
            let sum = Self.referenceFilterGradient(x, dy, g, cout: 16, images: images)
            for i in expected.indices { expected[i] = group == 0 ? sum[i] : expected[i] + sum[i] }
        }
        let df = Tensor(x, shape: c.input).conv2dBackpropFilter(
            filterShape: c.filter, outBackprop: Tensor(dy, shape: [6, 9, 10, 16]), stride: 1,
            padding: .same)
        #expect(Self.firstDifference(df.floats, expected) == nil)
    }
}

extension ConvolutionCase {
    var window: Window2D {
        Window2D(
            input: input, kH: filter[0], kW: filter[1], stride: stride, padding: padding,
            op: "test")
    }
    var outChannels: Int { filter[3] }
}
