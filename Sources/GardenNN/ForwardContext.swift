import GardenTensor

/// Settings of one forward pass: training or inference, and where dropout masks come from.
///
/// Dropout masks are drawn from Philox keyed by (seed, step, call index), so a step's randomness
/// depends only on the recipe seed and the step number: a resumed run sees the same masks.
public final class ForwardContext {
    public let training: Bool
    public let seed: UInt64
    public let step: UInt64
    private var calls: UInt64 = 0
    /// Variables holding the dropout rates, by role: set for an export's `training=True` trace,
    /// empty otherwise (the layers' own rates apply).
    public var dropoutRates: [Dropout.Role: Parameter] = [:]

    public init(training: Bool, seed: UInt64 = 0, step: UInt64 = 0) {
        self.training = training; self.seed = seed; self.step = step
    }

    /// A fresh random stream for the next stochastic op of this pass.
    public func nextStream() -> UInt64 {
        calls += 1
        return (step << 20) | calls
    }
}
