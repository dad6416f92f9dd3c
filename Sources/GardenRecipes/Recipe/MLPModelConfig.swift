import Foundation

/// A multilayer perceptron classifier: dense layers with ReLU and dropout, then a dense layer
/// to `numClasses` logits.
public struct MLPModelConfig: RecipeSection {
    /// The number of input features.
    public var inputSize: Int
    /// The width of each hidden layer, in order.
    public var hiddenSizes: [Int]
    /// The number of output logits.
    public var numClasses: Int
    /// The dropout rate after each hidden layer during training.
    public var dropoutRate: Float
    /// The penalty on every dense kernel.
    public var kernelRegularizer: RegularizerConfig

    /// Creates an `mlp` model config.
    /// - Parameters:
    ///   - inputSize: The number of input features.
    ///   - hiddenSizes: The width of each hidden layer.
    ///   - numClasses: The number of output logits.
    ///   - dropoutRate: The dropout rate during training.
    ///   - kernelRegularizer: The penalty on every dense kernel.
    public init(
        inputSize: Int, hiddenSizes: [Int], numClasses: Int, dropoutRate: Float,
        kernelRegularizer: RegularizerConfig
    ) {
        self.inputSize = inputSize
        self.hiddenSizes = hiddenSizes
        self.numClasses = numClasses
        self.dropoutRate = dropoutRate
        self.kernelRegularizer = kernelRegularizer
    }

    /// The `model.type: mlp` keys.
    public static let variant = ConfigOneOfSchema.Variant(
        "mlp", "Dense classifier with ReLU and dropout",
        [
            .int("input_size", 4, "Number of input features."),
            .intList("hidden_sizes", [32, 32], "Width of each hidden layer, in order."),
            .int("num_classes", 3, "Number of output logits."),
            .float("dropout_rate", 0.1, "Dropout rate after each hidden layer while training."),
            .mapping(
                "kernel_regularizer", RegularizerConfig.schema, "Penalty on every dense kernel."),
        ])

    /// Reads the section from a resolved tree.
    public init(config: ConfigView) throws {
        inputSize = try config.int("input_size")
        hiddenSizes = try config.intList("hidden_sizes")
        numClasses = try config.int("num_classes")
        dropoutRate = try config.float("dropout_rate")
        kernelRegularizer = try RegularizerConfig(config: config.child("kernel_regularizer"))
    }

    /// The section as a tree.
    public var configNode: ConfigNode {
        .mapping([
            "type": .string(Self.variant.name),
            "input_size": .int(inputSize),
            "hidden_sizes": .intList(hiddenSizes),
            "num_classes": .int(numClasses),
            "dropout_rate": .float(dropoutRate),
            "kernel_regularizer": kernelRegularizer.configNode,
        ])
    }
}
