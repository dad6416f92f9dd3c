import Foundation

/// The TF Hub guide's low-level example: one scalar variable `v`, `call(x) = x * v`, and the
/// regularization loss `regularization * v^2`.
public struct MulModelConfig: RecipeSection {
    /// The starting value of `v`.
    public var initialValue: Float
    /// The L2 factor of the regularization loss on `v`.
    public var regularization: Float

    /// Creates a `mul` model config.
    /// - Parameters:
    ///   - initialValue: The starting value of `v`.
    ///   - regularization: The L2 factor of the regularization loss on `v`.
    public init(initialValue: Float, regularization: Float) {
        self.initialValue = initialValue
        self.regularization = regularization
    }

    /// The `model.type: mul` keys.
    public static let variant = ConfigOneOfSchema.Variant(
        "mul", "`y = x * v` with one scalar variable `v` (the TF Hub guide)",
        [
            .float("initial_value", 1.0, "Starting value of the variable `v`."),
            .float(
                "regularization", 0.001,
                "Factor of the exported regularization loss `factor * v^2`."),
        ])

    /// Reads the section from a resolved tree.
    public init(config: ConfigView) throws {
        initialValue = try config.float("initial_value")
        regularization = try config.float("regularization")
    }

    /// The section as a tree.
    public var configNode: ConfigNode {
        .mapping([
            "type": .string(Self.variant.name),
            "initial_value": .float(initialValue),
            "regularization": .float(regularization),
        ])
    }
}
