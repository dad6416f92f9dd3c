import GardenTensor

/// Gradient clipping by global norm (Pascanu et al., 2013; Keras' `global_clipnorm`): when the
/// L2 norm over all gradients exceeds `clipNorm`, every gradient is scaled by
/// `clipNorm / norm`, so the update keeps its direction.
public enum GradientClipping {
    /// The global L2 norm of `gradients`, summed in Double in list order (a fixed order, so
    /// the result is the same bits in every run).
    public static func globalNorm(_ gradients: [(Parameter, Tensor)]) -> Double {
        var sum = 0.0
        for (_, g) in gradients {
            for v in g.floats { sum += Double(v) * Double(v) }
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
