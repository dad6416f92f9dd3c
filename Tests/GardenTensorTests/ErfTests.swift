import Foundation
import GardenTensor
import Testing

/// `erf` and its gradient run four-lane approximations (TensorFlow's rational erf, a Cephes-style
/// exp): held here to the C library's Double results over the whole float range that matters.
@Suite struct ErfTests {
    /// 400 001 points over [-6, 6]: beyond ±3.9 erf is ±1 in float32.
    static let points = (0..<400_001).map { Float(-6 + 12 * Double($0) / 400_000) }

    /// `|error|` in units in the last place of the float32 nearest the Double reference.
    static func ulps(_ value: Float, _ reference: Double) -> Double {
        Swift.abs(Double(value) - reference) / Double(Float(reference).ulp)
    }

    /// The largest error (in ulps) of `values` against `reference` at `points`, and where.
    static func worst(_ values: [Float], _ reference: (Double) -> Double) -> (
        ulps: Double, x: Float
    ) {
        var worst = (ulps: 0.0, x: Float(0))
        for (x, v) in zip(points, values) {
            let e = ulps(v, reference(Double(x)))
            if e > worst.ulps { worst = (e, x) }
        }
        return worst
    }

    /// The rational approximation's own error peaks near |x| = 3.3, where erf is within 1e-5 of
    /// ±1: 7 ulps there, an absolute error below 5e-7.
    @Test func erfIsWithinEightUlpsOfTheDoubleErf() {
        let values = Tensor(Self.points, shape: [Self.points.count]).erf().floats
        let worst = Self.worst(values) { Foundation.erf($0) }
        #expect(worst.ulps <= 8, "\(worst.ulps) ulps at x = \(worst.x)")
        #expect(Tensor([Float.nan], shape: [1]).erf().floats[0].isNaN)
        #expect(Tensor([.infinity, -.infinity], shape: [2]).erf().floats == [1, -1])
    }

    /// Against `exp` of the float32 square, as the kernel squares in float32 (the rounding of
    /// x·x alone moves exp(-x²) by up to x²·2⁻²⁴ relative: 32 ulps at |x| = 5.7).
    @Test func erfGradientIsWithinFourUlpsOfTheGaussianOfTheFloatSquare() {
        let p = Parameter(Tensor(Self.points, shape: [Self.points.count]), path: "x")
        let (_, grads) = Tape.valueWithGradients { p.read().erf().sum() }
        let scale = 2 / Double.pi.squareRoot()
        let worst = Self.worst(grads[0].1.floats) { t in
            let square = Float(t) * Float(t)
            return scale * Foundation.exp(-Double(square))
        }
        #expect(worst.ulps <= 4, "\(worst.ulps) ulps at x = \(worst.x)")
    }
}
