import GardenTensor

extension Dense {
    /// A Dense layer whose kernel is drawn from a truncated normal with standard deviation
    /// `stddev` (BERT's `initializer_range`), keyed by the layer's full path `scope/name` so that
    /// layers with the same local name in different blocks start from different values.
    ///
    /// Input shape: `[batch, ..., inputSize]`. Output shape: `[batch, ..., units]`.
    public convenience init(
        name: String, scope: String, inputSize: Int, units: Int,
        activation: Activation = .linear, stddev: Float, kernelRegularizer: Regularizer? = nil,
        initializer: Initializer
    ) {
        self.init(
            name: name, inputSize: inputSize, units: units, activation: activation,
            kernelRegularizer: kernelRegularizer, initializer: initializer)
        kernel.value = initializer.truncatedNormal(
            [inputSize, units], stddev: stddev, stream: joinedPath(scope, name) + "/kernel")
    }
}

/// `scope/name`, or `name` alone at the root.
func joinedPath(_ scope: String, _ name: String) -> String {
    scope.isEmpty ? name : scope + "/" + name
}
