import GardenTensor

extension Initializer {
    /// He normal (Keras' `he_normal`, the usual ResNet kernel initializer): a normal truncated
    /// at two standard deviations with stddev `sqrt(2 / fan_in) / 0.8796` (the factor restores
    /// the variance the truncation removes), `fan_in = kh * kw * cin` for an HWIO kernel.
    public func heNormal(_ shape: [Int], stream: String) -> Tensor {
        let fanIn = shape.count >= 2 ? shape.dropLast().reduce(1, *) : (shape.first ?? 1)
        let stddev = (2 / Float(max(fanIn, 1))).squareRoot() / 0.879_625_66
        return truncatedNormal(shape, stddev: stddev, stream: stream)
    }

    /// Glorot uniform with Keras' convolution fans: for an HWIO kernel
    /// `fan_in = kh * kw * cin` and `fan_out = kh * kw * cout` (the receptive field counts on
    /// both sides, unlike the dense rule of `glorotUniform`).
    public func glorotUniformConvolution(_ shape: [Int], stream: String) -> Tensor {
        precondition(
            shape.count == 4, "glorotUniformConvolution: needs an HWIO shape, got \(shape)")
        let field = shape[0] * shape[1]
        let limit = (6 / Float(max(field * (shape[2] + shape[3]), 1))).squareRoot()
        // The same stream naming as `Initializer`'s own draws, so streams never collide.
        let u = Philox(seed: seed, stream: stableHash("init/" + stream))
            .uniform(count: shape.reduce(1, *))
        return Tensor(u.map { ($0 * 2 - 1) * limit }, shape: shape)
    }
}
