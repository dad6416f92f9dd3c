import GardenTensor

/// A parameter exported as a TensorFlow variable.
///
/// The SavedVariable `name` (TensorFlow's variable name, Keras' weight name in hub) is the
/// parameter's `path`; the value is written to the variables bundle.
public struct ExportedVariable {
    public var parameter: Parameter
    /// Whether the variable is listed in `trainable_variables` (else only in `variables`).
    public var trainable: Bool

    /// Exports `parameter`, trainable as the parameter says unless `trainable` is given.
    public init(_ parameter: Parameter, trainable: Bool? = nil) {
        self.parameter = parameter
        self.trainable = trainable ?? parameter.trainable
    }
}
