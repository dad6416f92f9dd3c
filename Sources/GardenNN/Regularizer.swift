import GardenConfig
import GardenTensor

/// A weight penalty added to the loss, as Keras' `regularizers.L1`, `L2` and `L1L2`:
/// `l1 * sum(|w|) + l2 * sum(w²)`, with the factors `kind` uses.
///
/// Regularizers live on layers, not in the optimizer, so the same penalty is exported as the
/// SavedModel's `regularization_losses` and fine-tuning in TensorFlow keeps it. Every family
/// attaches them the same way: a layer takes `kernelRegularizer` at construction and adds it
/// on its kernel (`Module.addRegularizer`); the loss and the export collect them from the tree.
/// It is also the recipe's `kernel_regularizer:` section.
public struct Regularizer: ConfigSection, Hashable {
    /// Which penalty is applied.
    public enum Kind: String, CaseIterable, Sendable {
        case none, l1, l2, l1l2
    }

    /// Which penalty is applied (`none` attaches nothing).
    public var kind = Kind.l2
    /// The L1 factor (used by `l1` and `l1l2`).
    public var l1: Float = 0
    /// The L2 factor (used by `l2` and `l1l2`).
    public var l2: Float = 1e-4

    /// The recipe default: L2 with factor 1e-4.
    public init() {}

    /// A penalty of `kind` with the given factors.
    public init(kind: Kind, l1: Float = 0, l2: Float = 0) {
        self.kind = kind; self.l1 = l1; self.l2 = l2
    }

    /// Keras' `L1L2(l1, l2)`.
    public init(l1: Float, l2: Float) { self.init(kind: .l1l2, l1: l1, l2: l2) }
    public static func l2(_ s: Float) -> Regularizer { Regularizer(kind: .l2, l2: s) }
    public static func l1(_ s: Float) -> Regularizer { Regularizer(kind: .l1, l1: s) }

    /// The keys of a `kernel_regularizer:` mapping. `type` is a plain choice, not a one-of,
    /// because every kind takes the same two factors (as Keras' `L1L2` does).
    public static let keys: [ConfigKey<Regularizer>] = [
        .choice("type", \.kind, "Penalty on the kernels: none, l1, l2 or l1l2."),
        .float("l1", \.l1, "L1 factor (for l1 and l1l2)."),
        .float("l2", \.l2, "L2 factor (for l2 and l1l2)."),
    ]

    /// The L1 factor applied: `l1` for `l1` and `l1l2`, else 0.
    public var appliedL1: Float { kind == .l1 || kind == .l1l2 ? l1 : 0 }
    /// The L2 factor applied: `l2` for `l2` and `l1l2`, else 0.
    public var appliedL2: Float { kind == .l2 || kind == .l1l2 ? l2 : 0 }

    /// The penalty of `w` as a scalar tensor (works eagerly, taped and traced).
    public func loss(_ w: Tensor) -> Tensor {
        let l1 = appliedL1, l2 = appliedL2
        var total: Tensor?
        if l1 != 0 { total = w.abs().sum() * l1 }
        if l2 != 0 {
            let t = w.sumOfSquares() * l2
            total = total.map { $0 + t } ?? t
        }
        return total ?? (w * 0).sum()
    }
}
