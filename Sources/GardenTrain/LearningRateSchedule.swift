import Foundation

/// The learning rate as a function of the 1-based step: linear warm-up from 0 to `initial`
/// over `warmupSteps`, then a decay to `end` over `decaySteps` (constant, polynomial or
/// cosine), then `end`. Model Garden's `PolynomialWarmUp` + `PolynomialDecay`/`CosineDecay`.
///
/// Computed in Double from the step alone, so a resumed run sees exactly the rates an
/// uninterrupted run sees.
public struct LearningRateSchedule: Sendable, Equatable {
    /// What follows the warm-up.
    public enum Decay: String, Sendable, CaseIterable {
        /// `initial` for ever.
        case constant
        /// `(initial - end) * (1 - t / decaySteps)^power + end`.
        case polynomial
        /// `end + (initial - end) * (1 + cos(pi * t / decaySteps)) / 2`.
        case cosine
    }

    public var initial: Double
    public var warmupSteps: Int
    public var decay: Decay
    public var decaySteps: Int
    public var end: Double
    public var power: Double

    /// - Parameters:
    ///   - initial: The rate at the end of the warm-up (the peak).
    ///   - warmupSteps: Steps of linear warm-up from 0; 0 starts at `initial`.
    ///   - decay: The decay after the warm-up.
    ///   - decaySteps: Steps the decay takes; after them the rate stays at `end`.
    ///   - end: The rate at the end of the decay.
    ///   - power: The polynomial's power (1 is linear).
    public init(
        initial: Double, warmupSteps: Int = 0, decay: Decay = .constant, decaySteps: Int = 0,
        end: Double = 0, power: Double = 1
    ) {
        self.initial = initial; self.warmupSteps = warmupSteps; self.decay = decay
        self.decaySteps = decaySteps; self.end = end; self.power = power
    }

    /// A constant rate.
    public static func constant(_ rate: Double) -> LearningRateSchedule { .init(initial: rate) }

    /// The rate for the 1-based `step`.
    public func rate(at step: Int) -> Float {
        if warmupSteps > 0 && step <= warmupSteps {
            return Float(initial * Double(step) / Double(warmupSteps))
        }
        guard decay != .constant, decaySteps > 0 else { return Float(initial) }
        let t = min(Double(step - warmupSteps), Double(decaySteps)) / Double(decaySteps)
        switch decay {
        case .constant: return Float(initial)
        case .polynomial: return Float((initial - end) * Foundation.pow(1 - t, power) + end)
        case .cosine:
            return Float(end + (initial - end) * 0.5 * (1 + Foundation.cos(Double.pi * t)))
        }
    }
}
