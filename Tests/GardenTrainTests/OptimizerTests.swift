import Foundation
import GardenTensor
import GardenTrain
import Testing

@Suite struct OptimizerTests {
    @Test func sgdWithoutMomentumStepsAgainstTheGradient() {
        let p = Parameter(Tensor([1, 2], shape: [2]), path: "w")
        SGD().apply([(p, Tensor([0.5, -1], shape: [2]))], learningRate: 0.1, step: 1)
        let expected: [Float] = [0.95, 2.1]
        #expect(p.value.floats == expected)
    }

    @Test func sgdMomentumAccumulatesVelocity() {
        let p = Parameter(Tensor([0], shape: [1]), path: "w")
        let opt = SGD(momentum: 0.9)
        let g = Tensor([1], shape: [1])
        opt.apply([(p, g)], learningRate: 0.1, step: 1)  // v = -0.1, w = -0.1
        opt.apply([(p, g)], learningRate: 0.1, step: 2)  // v = -0.19, w = -0.29
        #expect(Swift.abs(p.value.scalar + 0.29) < 1e-6)
    }

    @Test func adamMatchesTheReferenceUpdate() {
        let p = Parameter(Tensor([1, -1], shape: [2]), path: "w")
        let opt = Adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-7)
        let grads: [[Float]] = [[0.5, -2], [0.1, 0.3], [-0.4, 1]]
        var w: [Double] = [1, -1], m: [Double] = [0, 0], v: [Double] = [0, 0]
        for (t, g) in grads.enumerated() {
            opt.apply([(p, Tensor(g, shape: [2]))], learningRate: 0.01, step: t + 1)
            for i in 0..<2 {
                m[i] = 0.9 * m[i] + 0.1 * Double(g[i])
                v[i] = 0.999 * v[i] + 0.001 * Double(g[i]) * Double(g[i])
                let mh = m[i] / (1 - pow(0.9, Double(t + 1))),
                    vh = v[i] / (1 - pow(0.999, Double(t + 1)))
                w[i] -= 0.01 * mh / (vh.squareRoot() + 1e-7)
            }
        }
        for i in 0..<2 { #expect(Swift.abs(Double(p.value.floats[i]) - w[i]) < 1e-5) }
    }

    @Test func adamVectorLanesAreTheScalarFormulaBitForBit() {
        // 19 elements: two groups of eight lanes and a scalar tail of three. The expected values
        // are Keras' per-element Float operations written out here, in Adam's documented order.
        let count = 19
        let w0 = (0..<count).map { Float($0) * 0.37 - 3 }
        let grads: [[Float]] = (1...3).map { t in
            (0..<count).map { i -> Float in Float((i * 7 + t) % 11) * 0.21 - 1 }
        }
        let p = Parameter(Tensor(w0, shape: [count]), path: "w")
        let opt = Adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.01)
        var w = w0, m = [Float](repeating: 0, count: count), v = m
        for (index, g) in grads.enumerated() {
            let t = Float(index + 1), lr: Float = 0.01
            opt.apply([(p, Tensor(g, shape: [count]))], learningRate: lr, step: index + 1)
            let alpha =
                lr * (1 - Foundation.pow(Float(0.999), t)).squareRoot()
                / (1 - Foundation.pow(Float(0.9), t))
            for i in 0..<count {
                m[i] = 0.9 * m[i] + (1 - 0.9) * g[i]
                v[i] = 0.999 * v[i] + (1 - 0.999) * g[i] * g[i]
                w[i] -= alpha * m[i] / (v[i].squareRoot() + 1e-7) + lr * 0.01 * w[i]
            }
        }
        #expect(p.value.floats.map(\.bitPattern) == w.map(\.bitPattern))
    }

    @Test func adamSlotsRestoreToTheSameTrajectory() throws {
        let g = Tensor([0.3, -0.2], shape: [2])
        let a = Parameter(Tensor([1, 1], shape: [2]), path: "w")
        let optA = Adam()
        for s in 1...4 { optA.apply([(a, g)], learningRate: 0.1, step: s) }

        let b = Parameter(Tensor([1, 1], shape: [2]), path: "w")
        let optB = Adam()
        for s in 1...2 { optB.apply([(b, g)], learningRate: 0.1, step: s) }
        var saved: [String: Tensor] = [:]
        for (n, t) in optB.slots() { saved[n] = t }
        let c = Parameter(b.value, path: "w")
        let optC = Adam()
        try optC.restore(slots: saved, parameters: ["w": c])
        for s in 3...4 { optC.apply([(c, g)], learningRate: 0.1, step: s) }
        #expect(c.value.floats == a.value.floats)
    }
}
