import Foundation
import GardenTensor
import GardenTrain
import Testing

@Suite struct LearningRateScheduleTests {
    @Test func constantIsConstant() {
        let s = LearningRateSchedule.constant(0.01)
        #expect([1, 50, 10_000].map(s.rate(at:)) == [0.01, 0.01, 0.01])
    }

    @Test func linearWarmUpThenLinearDecay() {
        let s = LearningRateSchedule(
            initial: 1, warmupSteps: 4, decay: .polynomial, decaySteps: 10, end: 0, power: 1)
        #expect((1...4).map(s.rate(at:)) == [0.25, 0.5, 0.75, 1])
        #expect(s.rate(at: 9) == 0.5)  // 5 of 10 decay steps
        #expect(s.rate(at: 14) == 0)  // end of decay
        #expect(s.rate(at: 100) == 0)  // stays at the end
    }

    @Test func polynomialPowerAndEnd() {
        let s = LearningRateSchedule(
            initial: 1, decay: .polynomial, decaySteps: 4, end: 0.2, power: 2)
        // (1 - 0.2) * (1 - 2/4)^2 + 0.2
        #expect(abs(s.rate(at: 2) - 0.4) < 1e-7)
    }

    @Test func cosineDecay() {
        let s = LearningRateSchedule(
            initial: 1, warmupSteps: 2, decay: .cosine, decaySteps: 8, end: 0.1)
        #expect(s.rate(at: 2) == 1)
        #expect(abs(s.rate(at: 6) - 0.55) < 1e-7)  // half-way: end + (1 - end) / 2
        #expect(abs(s.rate(at: 10) - 0.1) < 1e-7)
    }
}

@Suite struct GradientClippingTests {
    let p = Parameter(Tensor.zeros([2])), q = Parameter(Tensor.zeros([1]))

    @Test func clipsToTheGlobalNormKeepingDirection() {
        let grads = [(p, Tensor([3, 0], shape: [2])), (q, Tensor([4], shape: [1]))]
        let norm = GradientClipping.globalNorm(grads)
        #expect(norm == 5)
        let clipped = GradientClipping.clip(grads, clipNorm: 1, norm: norm)
        #expect(clipped[0].1.floats == [0.6, 0])
        #expect(clipped[1].1.floats == [0.8])
    }

    @Test func smallGradientsAndZeroClipNormAreUntouched() {
        let grads = [(p, Tensor([0.3, 0.4], shape: [2]))]
        #expect(GradientClipping.clip(grads, clipNorm: 1, norm: 0.5)[0].1.floats == [0.3, 0.4])
        #expect(GradientClipping.clip(grads, clipNorm: 0, norm: 0.5)[0].1.floats == [0.3, 0.4])
    }
}
