import GardenTensor

/// A weight penalty added to the loss, as Keras' `regularizers.L1`, `L2` and `L1L2`:
/// `l1 * sum(|w|) + l2 * sum(w²)`.
///
/// Regularizers live on layers, not in the optimizer, so the same penalty is exported as the
/// SavedModel's `regularization_losses` and fine-tuning in TensorFlow keeps it.
public struct Regularizer: Hashable, Sendable {
    public var l1: Float
    public var l2: Float

    public init(l1: Float = 0, l2: Float = 0) { self.l1 = l1; self.l2 = l2 }
    public static func l2(_ s: Float) -> Regularizer { Regularizer(l2: s) }
    public static func l1(_ s: Float) -> Regularizer { Regularizer(l1: s) }

    /// The penalty of `w` as a scalar tensor (works eagerly, taped and traced).
    public func loss(_ w: Tensor) -> Tensor {
        var total: Tensor?
        if l1 != 0 { total = w.abs().sum() * l1 }
        if l2 != 0 {
            let t = (w * w).sum() * l2
            total = total.map { $0 + t } ?? t
        }
        return total ?? (w * 0).sum()
    }
}
