import GardenTensor

/// A batch of examples in the layout a task reads: tensors that each have one row per example.
/// `InMemoryDataset` serves any such type by gathering the same rows of every column.
public protocol ExampleBatch {
    /// Every tensor of the batch, `[rows, ...]` each, in a fixed order.
    var columns: [Tensor] { get }
    /// The batch made of `columns`, in the order `columns` lists them.
    init(columns: [Tensor])
}

extension ExampleBatch {
    /// The number of examples.
    public var rows: Int { columns.first?.shape.first ?? 0 }
}

/// Inputs and targets: the batch of the families trained on `(x, y)` pairs (mul, MLP, ResNet).
public struct SupervisedBatch: ExampleBatch {
    /// The model input `[rows, ...]`.
    public var inputs: Tensor
    /// What the model should output for each row: float32 values or int32 class labels.
    public var targets: Tensor

    public init(inputs: Tensor, targets: Tensor) {
        self.inputs = inputs; self.targets = targets
    }

    public var columns: [Tensor] { [inputs, targets] }

    public init(columns: [Tensor]) { self.init(inputs: columns[0], targets: columns[1]) }
}
