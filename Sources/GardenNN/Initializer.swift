import GardenTensor

/// Seeded weight initializers. Every draw is keyed by the recipe seed and the parameter's path
/// in the module tree (`Module.initializeParameters` passes it as the stream), so adding a
/// layer does not change the initial values of the others.
public struct Initializer: Sendable {
    public let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    private func generator(_ stream: String) -> Philox {
        Philox(seed: seed, stream: stableHash("init/" + stream))
    }

    /// Glorot (Xavier) uniform, Keras' default kernel initializer: U(-l, l) with
    /// `l = sqrt(6 / (fan_in + fan_out))`.
    public func glorotUniform(_ shape: [Int], stream: String) -> Tensor {
        let fanIn = shape.count >= 2 ? shape.dropLast().reduce(1, *) : (shape.first ?? 1)
        let fanOut = shape.last ?? 1
        let limit = (6 / Float(max(fanIn + fanOut, 1))).squareRoot()
        let u = generator(stream).uniform(count: shape.reduce(1, *))
        return Tensor(u.map { ($0 * 2 - 1) * limit }, shape: shape)
    }

    /// Truncated normal with standard deviation `stddev` (BERT's initializer): draws beyond two
    /// standard deviations are folded back in.
    public func truncatedNormal(_ shape: [Int], stddev: Float, stream: String) -> Tensor {
        let n = generator(stream).normal(count: shape.reduce(1, *))
        return Tensor(
            n.map { v in (Swift.abs(v) > 2 ? v.truncatingRemainder(dividingBy: 2) : v) * stddev },
            shape: shape)
    }
}
