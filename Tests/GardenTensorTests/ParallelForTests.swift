import GardenTensor
import GardenTestSupport
import Testing

/// `ParallelFor`: its fixed partition, and the kernels split over it, which must give the same
/// bits at every thread count (each output element computed by one part, in the serial order)
/// and the values of plain loops. Sizes are above the grain, so two threads really split them.
@Suite("ParallelFor and the kernels split over threads", .serialized)
struct ParallelForTests {
    /// Runs `f` at 1, 2 and 3 threads and returns the three results (the count is restored).
    static func atThreadCounts<R>(_ f: () -> R) -> [R] {
        let saved = ParallelFor.threads
        defer { ParallelFor.setThreads(saved) }
        return [1, 2, 3].map { n in
            ParallelFor.setThreads(n)
            return f()
        }
    }

    /// Every result's floats bitwise equal to the first's.
    static func expectSameBits(_ results: [[Tensor]], _ what: String) {
        for (k, r) in results.enumerated().dropFirst() {
            for (i, t) in r.enumerated() {
                #expect(t.shape == results[0][i].shape, "\(what): shape at \(k + 1) threads")
                #expect(
                    t.floats == results[0][i].floats, "\(what): output \(i) at \(k + 1) threads")
            }
        }
    }

    @Test(arguments: [0, 1, 5, 16_384, 32_768, 100_003])
    func partitionCoversEveryIndexOnceInOrder(_ count: Int) {
        for parts in 1...4 {
            let ranges = (0..<parts).map { ParallelFor.range(part: $0, of: parts, count: count) }
            #expect(ranges.first?.lowerBound == 0)
            #expect(ranges.last?.upperBound == count)
            for k in 1..<parts { #expect(ranges[k].lowerBound == ranges[k - 1].upperBound) }
            #expect(
                ranges.allSatisfy { $0.count >= count / parts && $0.count <= count / parts + 1 })
        }
    }

    @Test func forEachVisitsEveryIndexExactlyOnceAtTwoThreads() {
        let counts = Self.atThreadCounts { () -> [Int] in
            let n = 100_003
            var visits = [Int](repeating: 0, count: n)
            visits.withUnsafeMutableBufferPointer { v in
                ParallelFor.forEach(n) { r in for i in r { v[i] += 1 } }
            }
            return visits
        }
        for c in counts { #expect(c.allSatisfy { $0 == 1 }) }
        #expect(ParallelFor.parts(100_003, grain: ParallelFor.defaultGrain) >= 1)
    }

    @Test func elementwiseBroadcastsMatchPlainLoopsAtEveryThreadCount() {
        let a = TestInputs.uniform([8, 2, 64, 64], stream: 700)
        let bias = TestInputs.uniform([64], stream: 701)
        let mask = TestInputs.uniform([8, 1, 1, 64], stream: 702)
        let results = Self.atThreadCounts { [a + a * a, a + bias, a + mask, a * 0.5] }
        Self.expectSameBits(results, "add/mul")
        let (x, b, m) = (a.floats, bias.floats, mask.floats)
        #expect(results[1][0].floats == x.map { $0 + $0 * $0 })
        #expect(results[1][1].floats == x.indices.map { x[$0] + b[$0 % 64] })
        // [b, h, s, s] + [b, 1, 1, s]: batch index i / (2·64·64), column i % 64.
        #expect(results[1][2].floats == x.indices.map { x[$0] + m[($0 / 8192) * 64 + $0 % 64] })
        #expect(results[1][3].floats == x.map { $0 * 0.5 })
    }

    /// A row of a trailing-axes sum adds its elements in four interleaved Double lanes
    /// (`(l0 + l1) + (l2 + l3)`, then the tail in order); a whole-tensor sum adds such sums of
    /// 16 Ki blocks in block order. Written out here as plain loops.
    static func laneSum(_ x: ArraySlice<Float>, squares: Bool = false) -> Double {
        let v = x.map { squares ? Double($0) * Double($0) : Double($0) }
        var lanes = [0.0, 0.0, 0.0, 0.0]
        let whole = v.count / 4 * 4
        for j in 0..<whole { lanes[j % 4] += v[j] }
        var total = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
        for j in whole..<v.count { total += v[j] }
        return total
    }

    static func blockSum(_ x: [Float], squares: Bool = false) -> Double {
        stride(from: 0, to: x.count, by: 16_384).map {
            laneSum(x[$0..<min($0 + 16_384, x.count)], squares: squares)
        }.reduce(0, +)
    }

    @Test func sumsMatchDoubleLoopsAtEveryThreadCount() {
        let a = TestInputs.uniform([512, 97], stream: 710)
        let big = TestInputs.uniform([3, 50_001], stream: 711)
        let results = Self.atThreadCounts {
            [a.sum(axes: [1]), a.sum(axes: [0]), big.sum(), big.sumOfSquares()]
        }
        Self.expectSameBits(results, "sum")
        let x = a.floats
        let rows = (0..<512).map { r in Float(Self.laneSum(x[(r * 97)..<((r + 1) * 97)])) }
        let cols = (0..<97).map { c in Float((0..<512).reduce(0.0) { $0 + Double(x[$1 * 97 + c]) })
        }
        #expect(results[1][0].floats == rows)
        #expect(results[1][1].floats == cols)
        #expect(results[1][2].floats == [Float(Self.blockSum(big.floats))])
        #expect(results[1][3].floats == [Float(Self.blockSum(big.floats, squares: true))])
        #expect(big.squaredL2Norm == Self.blockSum(big.floats, squares: true))
    }

    @Test func fusedKernelsAndTheirGradientsGiveTheSameBitsAtEveryThreadCount() {
        let x = TestInputs.uniform([64, 8, 128], in: -3...3, stream: 720)
        let gamma = TestInputs.uniform([128], in: 0.5...1.5, stream: 721)
        let beta = TestInputs.uniform([128], stream: 722)
        let images = TestInputs.uniform([8, 16, 16, 16], in: -2...3, stream: 723)
        let (scale, offset) = (TestInputs.uniform([16], stream: 724), Tensor.zeros([16]))
        let results = Self.atThreadCounts { () -> [Tensor] in
            // Batch norm (with its ReLU) splits by blocks of rows (statistics, gradient) and
            // rows (normalization, dx).
            let (bn, bnGrads) = FusedPrimitiveTests.valueAndGradients(
                {
                    $0[0].batchNormTraining(
                        scale: $0[1], offset: $0[2], mean: Tensor.zeros([16]),
                        variance: Tensor.ones([16]), epsilon: 1e-3, relu: true
                    ).output
                }, at: [images, scale, offset])
            let (ln, lnGrads) = FusedPrimitiveTests.valueAndGradients(
                { $0[0].layerNorm(gamma: $0[1], beta: $0[2], epsilon: 1e-12) },
                at: [x, gamma, beta])
            let (sm, smGrads) = FusedPrimitiveTests.valueAndGradients(
                { $0[0].softmax() }, at: [x])
            let (ge, geGrads) = FusedPrimitiveTests.valueAndGradients({ $0[0].gelu() }, at: [x])
            let (dr, drGrads) = FusedPrimitiveTests.valueAndGradients(
                { $0[0].dropout(rate: 0.2, seed: 7, stream: 9) }, at: [x])
            return [ln] + lnGrads + [sm] + smGrads + [ge] + geGrads + [dr] + drGrads + [bn]
                + bnGrads
        }
        Self.expectSameBits(results, "fused kernels")
        // Dropout keeps the same elements in the forward and the backward pass, at 2 threads too.
        // Outputs: layer norm 0, its gradients 1...3, softmax 4, 5, GELU 6, 7, dropout 8, 9.
        let kept = results[1][8].floats.map { $0 != 0 }
        let passed = results[1][9].floats.map { $0 != 0 }
        #expect(passed == kept)
        #expect(kept.filter { $0 }.count > x.count * 7 / 10)
    }

    /// `BLAS.sgemm` cuts a large product into blocks of rows or columns by its shapes alone, one
    /// OpenBLAS call each, so the bits do not depend on the thread count. Shapes: cut by rows and
    /// by columns, remainders that are not whole 16-row units, an inner dimension past
    /// OpenBLAS's k-blocking, every transpose; batched products (whole matrices per thread) and
    /// the three convolution kernels (im2col/col2im split by images).
    @Test func productsAndConvolutionsGiveTheSameBitsAtEveryThreadCount() {
        var products: [(Tensor, Tensor, Bool, Bool)] = []
        for (m, n, k) in [(203, 70, 700), (37, 301, 129), (128, 256, 784), (129, 10, 256)] {
            for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
                let a = TestInputs.uniform(ta ? [k, m] : [m, k], stream: UInt64(730 + m))
                let b = TestInputs.uniform(tb ? [n, k] : [k, n], stream: UInt64(740 + n))
                products.append((a, b, ta, tb))
            }
        }
        let q = TestInputs.uniform([16, 64, 64], stream: 750)
        let kT = TestInputs.uniform([16, 64, 64], stream: 751)
        let x = TestInputs.uniform([8, 17, 17, 16], stream: 752)
        let filter = TestInputs.uniform([3, 3, 16, 16], stream: 753)
        let stem = TestInputs.uniform([3, 3, 16, 24], stream: 754)
        let compute = { () -> [Tensor] in
            var out = products.map { $0.0.matmul($0.1, transposeA: $0.2, transposeB: $0.3) }
            out.append(q.batchMatmul(kT, adjY: true))
            out.append(q.batchMatmul(kT, adjX: true))
            for (f, stride) in [(filter, 1), (stem, 2), (filter, 2)] {
                let y = x.conv2d(f, stride: stride)
                let dy = y * 0.5 + 0.25
                out.append(y)
                out.append(
                    Tensor.conv2dBackpropInput(
                        inputShape: x.shape, filter: f, outBackprop: dy, stride: stride,
                        padding: .same))
                out.append(
                    x.conv2dBackpropFilter(
                        filterShape: f.shape, outBackprop: dy, stride: stride, padding: .same))
            }
            return out
        }
        let results = Self.atThreadCounts(compute)
        Self.expectSameBits(results, "products and convolutions")
        // The single-threaded results are right, so equal bits mean right at 2 and 3 threads too.
        for (i, (a, b, ta, tb)) in products.enumerated() {
            let (m, k) = ta ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
            let n = tb ? b.shape[0] : b.shape[1]
            let (av, bv, c) = (a.floats, b.floats, results[0][i].floats)
            for (r, col) in [(0, 0), (m - 1, n - 1), (m / 2, n / 3)] {
                var sum = 0.0
                for j in 0..<k {
                    sum +=
                        Double(av[ta ? j * m + r : r * k + j])
                        * Double(bv[tb ? col * k + j : j * n + col])
                }
                #expect(abs(Double(c[r * n + col]) - sum) < 1e-3, "product \(i) at [\(r), \(col)]")
            }
        }
    }
}
