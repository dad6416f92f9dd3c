import GardenConfig

extension MulModel {
    /// The model's starting value and penalty, and the recipe's `model.type: mul` section.
    public struct Config: ConfigVariant, Hashable {
        /// The starting value of `v`.
        public var initialValue: Float = 1
        /// The L2 factor of the regularization loss on `v`.
        public var regularization: Float = 0.001

        /// The recipe defaults.
        public init() {}

        public init(initialValue: Float, regularization: Float) {
            self.initialValue = initialValue; self.regularization = regularization
        }

        public static let typeName = "mul"
        public static let summary =
            "`y = x * v` with one scalar variable `v` (the TF Hub guide)"
        public static let keys: [ConfigKey<Config>] = [
            .float("initial_value", \.initialValue, "Starting value of the variable `v`."),
            .float(
                "regularization", \.regularization,
                "Factor of the exported regularization loss `factor * v^2`."),
        ]
    }
}
