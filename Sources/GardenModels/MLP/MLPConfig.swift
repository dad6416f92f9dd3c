import GardenConfig
import GardenNN

extension MLP {
    /// The classifier's hyperparameters, and the recipe's `model.type: mlp` section: each key
    /// is declared once in `keys`, its default is the property's initial value.
    public struct Config: ConfigVariant, Hashable {
        /// The number of input features.
        public var inputSize = 4
        /// The width of each hidden layer, in order.
        public var hiddenSizes = [32, 32]
        /// The number of output logits.
        public var numClasses = 3
        /// The dropout rate after each hidden layer while training.
        public var dropoutRate: Float = 0.1
        /// The penalty on every dense kernel.
        public var kernelRegularizer = Regularizer()

        /// The recipe defaults.
        public init() {}

        public init(
            inputSize: Int, hiddenSizes: [Int], numClasses: Int, dropoutRate: Float,
            kernelRegularizer: Regularizer
        ) {
            self.inputSize = inputSize; self.hiddenSizes = hiddenSizes
            self.numClasses = numClasses; self.dropoutRate = dropoutRate
            self.kernelRegularizer = kernelRegularizer
        }

        public static let typeName = "mlp"
        public static let summary = "Dense classifier with ReLU and dropout"
        public static let keys: [ConfigKey<Config>] = [
            .int("input_size", \.inputSize, "Number of input features."),
            .intList("hidden_sizes", \.hiddenSizes, "Width of each hidden layer, in order."),
            .int("num_classes", \.numClasses, "Number of output logits."),
            .float(
                "dropout_rate", \.dropoutRate,
                "Dropout rate after each hidden layer while training."),
            .section(
                "kernel_regularizer", \.kernelRegularizer, "Penalty on every dense kernel."),
        ]
    }
}
