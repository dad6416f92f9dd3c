import CVectorMath
import Testing

@testable import GardenTensor

/// Column sums, LayerNorm's parameter gradients and batch normalization's passes in
/// `CVectorMath`'s eight-channel vectors against the Swift loops they replace on AVX2 and
/// AVX-512 hosts: every output must have the same bits, for channel counts below, at and off
/// multiples of eight (the vector tails) and at every split of the work over the threads.
@Suite struct ChannelPassesWideLanesTests {
    /// `rows · channels` values around a per-channel offset (so the variance's cancellation
    /// matters) from a seeded generator.
    static func values(rows: Int, channels: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<(rows * channels)).map { i in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let unit = Float(state >> 40) / Float(1 << 24)
            return (unit - 0.5) * 3 + Float(i % channels) * 0.75
        }
    }

    static let shapes: [(rows: Int, channels: Int)] = [
        (37, 3), (64, 8), (33, 16), (21, 19), (50, 64), (1, 24),
        // Big enough that two and three threads split the work (column sums by channels, batch
        // norm by blocks of rows: 4096 rows are four blocks).
        (4096, 16), (2048, 64),
    ]

    static func firstDifference(_ a: [Float], _ b: [Float]) -> Int? {
        guard a.count == b.count else { return -1 }
        return a.indices.first { a[$0].bitPattern != b[$0].bitPattern }
    }

    @Test(.enabled(if: cvectormath_lane_width() != 0, "no AVX2: the Swift loops run"))
    func columnSumsHaveTheBitsOfTheSwiftLoop() {
        _ = ParallelForTests.atThreadCounts {
            for (rows, c) in Self.shapes {
                let x = Self.values(rows: rows, channels: c, seed: 40)
                // Rows as one leading axis, and as two (the leading-axes path either way).
                for shape in [[rows, c], [1, rows, c]] {
                    let axes = Set(0..<(shape.count - 1))
                    let wide = reduceSum(x, shape: shape, axes: axes, wideLanes: true)
                    let swift = reduceSum(x, shape: shape, axes: axes, wideLanes: false)
                    #expect(
                        Self.firstDifference(wide.values, swift.values) == nil,
                        "\(shape), \(ParallelFor.threads) threads")
                }
            }
        }
    }

    @Test(.enabled(if: cvectormath_lane_width() != 0, "no AVX2: the Swift loops run"))
    func layerNormGradientsHaveTheBitsOfTheSwiftLoops() {
        _ = ParallelForTests.atThreadCounts {
            for (rows, h) in Self.shapes {
                let x = Tensor(Self.values(rows: rows, channels: h, seed: 45), shape: [rows, h])
                let g = Tensor(Self.values(rows: rows, channels: h, seed: 46), shape: [rows, h])
                let gamma = Tensor(Self.values(rows: 1, channels: h, seed: 47), shape: [h])
                let beta = Tensor(Self.values(rows: 1, channels: h, seed: 48), shape: [h])
                let norm = LayerNorm(epsilon: 1e-3)
                let wide = norm.vjp([x, gamma, beta], g, wideLanes: true)
                let swift = norm.vjp([x, gamma, beta], g, wideLanes: false)
                for (k, name) in ["dx", "dgamma", "dbeta"].enumerated() {
                    #expect(
                        Self.firstDifference(wide[k]?.floats ?? [], swift[k]?.floats ?? [])
                            == nil, "\(name), \(rows) x \(h), \(ParallelFor.threads) threads")
                }
            }
        }
    }

    /// Batch norm's statistics sum fixed blocks of rows, each in row order, then the blocks in
    /// order: against that sum written out here, for a batch of two whole blocks and a part.
    @Test func batchNormMomentsSumBlocksOfRowsInOrder() {
        let (rows, c) = (2 * BatchNormKernels.blockRows + 300, 3)
        // Every seventh row ±3e15 in turn: each sum rounds away the small values' fractions
        // where it passes those, so the order of the additions shows in the means.
        let x = Self.values(rows: rows, channels: c, seed: 49).enumerated().map {
            let row = $0.offset / c
            return row % 7 != 0 ? $0.element : row % 14 == 0 ? 3e15 : -3e15
        }
        var (blocked, inOneChain) = ([Double](), [Double]())
        for j in 0..<c {
            var total = 0.0
            for first in stride(from: 0, to: rows, by: BatchNormKernels.blockRows) {
                var block = 0.0
                for r in first..<min(first + BatchNormKernels.blockRows, rows) {
                    block += Double(x[r * c + j])
                }
                total += block
            }
            blocked.append(total)
            inOneChain.append((0..<rows).reduce(0.0) { $0 + Double(x[$1 * c + j]) })
        }
        let means = [blocked, inOneChain].map { $0.map { Float($0 / Double(rows)) } }
        #expect(means[0] != means[1], "the order does not show in these means")
        _ = ParallelForTests.atThreadCounts {
            let moments = BatchNormKernels.moments(x, channels: c)
            #expect(moments.mean == means[0])
            #expect(moments.gradientMean == blocked.map { Float($0) / Float(rows) })
        }
    }

    @Test(.enabled(if: cvectormath_lane_width() != 0, "no AVX2: the Swift loops run"))
    func batchNormPassesHaveTheBitsOfTheSwiftLoops() {
        _ = ParallelForTests.atThreadCounts {
            for (rows, c) in Self.shapes {
                let label = "\(rows) rows, \(c) channels, \(ParallelFor.threads) threads"
                let x = Self.values(rows: rows, channels: c, seed: 41)
                let g = Self.values(rows: rows, channels: c, seed: 42)
                let scale = Self.values(rows: 1, channels: c, seed: 43)
                let offset = Self.values(rows: 1, channels: c, seed: 44)

                let wide = BatchNormKernels.moments(x, channels: c, wideLanes: true)
                let swift = BatchNormKernels.moments(x, channels: c, wideLanes: false)
                #expect(Self.firstDifference(wide.mean, swift.mean) == nil, "mean, \(label)")
                #expect(
                    Self.firstDifference(wide.variance, swift.variance) == nil,
                    "variance, \(label)")
                #expect(
                    Self.firstDifference(wide.gradientMean, swift.gradientMean) == nil,
                    "gradient's mean, \(label)")
                #expect(
                    Self.firstDifference(wide.gradientVariance, swift.gradientVariance) == nil,
                    "gradient's variance, \(label)")

                let normalized = [true, false].map {
                    BatchNormKernels.normalize(
                        x,
                        BatchNormKernels.Affine(
                            mean: swift.mean, variance: swift.variance, scale: scale,
                            offset: offset, epsilon: 1e-3), wideLanes: $0)
                }
                #expect(
                    Self.firstDifference(normalized[0], normalized[1]) == nil,
                    "normalize, \(label)")

                // With a ReLU fused after it too (an offset that makes some outputs negative).
                let affine = BatchNormKernels.Affine(
                    mean: swift.mean, variance: swift.variance, scale: scale,
                    offset: offset.map { $0 - 3 }, epsilon: 1e-3)
                let gradients = [true, false].flatMap { wide in
                    [nil, affine].map {
                        BatchNormKernels.trainingGradient(
                            x, g, scale: scale, epsilon: 1e-3, moments: swift, relu: $0,
                            wideLanes: wide)
                    }
                }
                let reluOutputs = [true, false].map {
                    BatchNormKernels.normalize(x, affine, relu: true, wideLanes: $0)
                }
                #expect(
                    Self.firstDifference(reluOutputs[0], reluOutputs[1]) == nil,
                    "normalize with ReLU, \(label)")
                // Wide without and with ReLU against the Swift loops without and with it.
                for k in 0..<2 {
                    let (wide, loops) = (gradients[k], gradients[k + 2])
                    let relu = k == 1 ? " with ReLU" : ""
                    #expect(Self.firstDifference(wide.dx, loops.dx) == nil, "dx\(relu), \(label)")
                    #expect(
                        Self.firstDifference(wide.dScale, loops.dScale) == nil,
                        "dScale\(relu), \(label)")
                    #expect(
                        Self.firstDifference(wide.dOffset, loops.dOffset) == nil,
                        "dOffset\(relu), \(label)")
                }
                #expect(
                    Self.firstDifference(gradients[0].dx, gradients[1].dx) != nil,
                    "the ReLU masks some gradients, \(label)")
            }
        }
    }
}
