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

/// BERT's three inputs and a class label per row: the batch of sentence classification.
public struct SentenceBatch: ExampleBatch {
    /// int32 `[rows, seq]`: `[CLS] a [SEP] (b [SEP])` then padding (see `BertPackInputs`).
    public var inputWordIds: Tensor
    /// int32 `[rows, seq]`: 1 for a token, 0 for padding.
    public var inputMask: Tensor
    /// int32 `[rows, seq]`: 0 for the first segment, 1 for the second.
    public var inputTypeIds: Tensor
    /// int32 `[rows]`: the class ids.
    public var labels: Tensor

    public init(inputWordIds: Tensor, inputMask: Tensor, inputTypeIds: Tensor, labels: Tensor) {
        self.inputWordIds = inputWordIds; self.inputMask = inputMask
        self.inputTypeIds = inputTypeIds; self.labels = labels
    }

    /// The model inputs, in the encoder's signature order.
    public var modelInputs: [Tensor] { [inputWordIds, inputMask, inputTypeIds] }

    public var columns: [Tensor] { modelInputs + [labels] }

    public init(columns c: [Tensor]) {
        self.init(inputWordIds: c[0], inputMask: c[1], inputTypeIds: c[2], labels: c[3])
    }
}
