import GardenTensor
import GardenTestSupport
import Testing

@Suite("Dropout")
struct DropoutTests {
    static let rates: [Float] = [0.1, 0.3, 0.5]

    @Test(arguments: rates)
    func dropsAboutRateOfTenThousandElements(_ rate: Float) {
        let y = Tensor.ones([100, 100]).dropout(rate: rate, seed: 1, stream: 2)
        let dropped = Double(y.floats.filter { $0 == 0 }.count) / 10_000
        // Three standard errors of a binomial proportion over 10k draws is at most 0.015.
        #expect(Swift.abs(dropped - Double(rate)) < 0.015)
    }

    @Test(arguments: rates)
    func scalesKeptElementsByInverseKeepProbability(_ rate: Float) {
        let x = TestInputs.uniform([31, 17], in: 0.5...2, stream: 40)
        let y = x.dropout(rate: rate, seed: 1, stream: 2)
        let scale = Double(1 / (1 - rate))
        for (xi, yi) in zip(x.floats, y.floats) where yi != 0 {
            #expect(Swift.abs(Double(yi) - Double(xi) * scale) <= 1e-6 * Double(yi))
        }
    }

    @Test func sameSeedAndStreamGiveTheSameMask() {
        let x = Tensor.ones([3, 5, 7])
        #expect(
            x.dropout(rate: 0.4, seed: 9, stream: 5).floats
                == x.dropout(rate: 0.4, seed: 9, stream: 5).floats)
    }

    @Test func anotherStreamGivesAnotherMask() {
        let x = Tensor.ones([100, 100])
        let a = x.dropout(rate: 0.5, seed: 9, stream: 5).floats
        let b = x.dropout(rate: 0.5, seed: 9, stream: 6).floats
        // Independent masks at rate 0.5 disagree on about half of the elements.
        let disagreements = zip(a, b).filter { $0 != $1 }.count
        #expect(disagreements > 4_500 && disagreements < 5_500)
    }

    @Test func zeroRateIsTheIdentity() {
        let x = TestInputs.uniform([3, 5], stream: 41)
        #expect(x.dropout(rate: 0, seed: 1, stream: 1).floats == x.floats)
    }

    @Test func gradientUsesTheForwardMask() {
        let p = Parameter(TestInputs.uniform([7, 9], in: 0.5...2, stream: 42))
        let (y, grads) = Tape.valueWithGradients {
            p.read().dropout(rate: 0.3, seed: 4, stream: 8).sum()
        }
        let x = p.value.floats
        let forward = p.value.dropout(rate: 0.3, seed: 4, stream: 8).floats
        // d(sum)/dx is the mask scale where the forward kept x, and 0 where it dropped it.
        let expected = zip(forward, x).map { Double($0 / $1) }
        #expect(y.scalar.isFinite)
        expectClose(grads[0].1, expected, shape: [7, 9], absolute: 1e-6, relative: 1e-6)
    }

    /// The vjp multiplies the incoming gradient by the mask the forward recorded: bitwise
    /// `g · (kept ? 1 / (1 - rate) : 0)`, on a tensor large enough to split over threads and
    /// ending in a partial Philox block (17 030 = 4 · 4257 + 2 elements).
    @Test func gradientIsTheIncomingGradientTimesTheRecordedMaskBitForBit() {
        let p = Parameter(TestInputs.uniform([131, 130], in: 0.5...2, stream: 43))
        let weights = TestInputs.uniform([131, 130], in: -2...2, stream: 44)
        let (_, grads) = Tape.valueWithGradients {
            (p.read().dropout(rate: 0.3, seed: 4, stream: 8) * weights).sum()
        }
        let forward = p.value.dropout(rate: 0.3, seed: 4, stream: 8).floats
        let scale: Float = 1 / (1 - 0.3)
        let expected = zip(forward, weights.floats).map { y, w in w * (y != 0 ? scale : 0) }
        #expect(grads[0].1.floats.map(\.bitPattern) == expected.map(\.bitPattern))
    }
}
