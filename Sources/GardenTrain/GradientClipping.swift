import GardenTensor

/// Gradient clipping by global norm (Pascanu et al., 2013; Keras' `global_clipnorm`): when the
/// L2 norm over all gradients exceeds `clipNorm`, every gradient is scaled by
/// `clipNorm / norm`, so the update keeps its direction.
public enum GradientClipping {
    /// The global L2 norm of `gradients`: each one's squares summed in Double (`squaredL2Norm`,
    /// a fixed order), those sums added in list order, so the result is the same bits in every
    /// run and at every thread count.
    public static func globalNorm(_ gradients: [(Parameter, Tensor)]) -> Double {
        var sum = 0.0
        for (_, g) in gradients {
            sum += g.squaredL2Norm
        }
        return sum.squareRoot()
    }

    /// `gradients` scaled to a global norm of at most `clipNorm`; `norm` is their global norm.
    public static func clip(_ gradients: [(Parameter, Tensor)], clipNorm: Double, norm: Double)
        -> [(Parameter, Tensor)]
    {
        guard clipNorm > 0, norm > clipNorm else { return gradients }
        let scale = Float(clipNorm / norm)
        return gradients.map { p, g in (p, Tensor(g.floats.map { $0 * scale }, shape: g.shape)) }
    }
}
