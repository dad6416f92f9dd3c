import GardenModels
import GardenNN

/// Builds the model a recipe describes.
public enum ModelFactory {
    /// - Parameter dropoutRate: replaces the recipe's dropout rate (the export's
    ///   `export.dropout_rate`); nil keeps the training value.
    public static func make(_ recipe: Recipe, dropoutRate: Float? = nil) -> Model {
        let initializer = Initializer(seed: UInt64(truncatingIfNeeded: recipe.seed))
        switch recipe.model {
        case .mul(let c):
            return MulModel(.init(initialValue: c.initialValue, regularization: c.regularization))
        case .mlp(let c):
            return MLP(.init(inputSize: c.inputSize, hiddenSizes: c.hiddenSizes,
                             numClasses: c.numClasses, dropoutRate: dropoutRate ?? c.dropoutRate,
                             kernelRegularizer: regularizer(c.kernelRegularizer)),
                       initializer: initializer)
        }
    }

    static func regularizer(_ c: RegularizerConfig) -> Regularizer? {
        switch c.kind {
        case .none: return nil
        case .l1: return .l1(c.l1)
        case .l2: return .l2(c.l2)
        case .l1l2: return Regularizer(l1: c.l1, l2: c.l2)
        }
    }
}
