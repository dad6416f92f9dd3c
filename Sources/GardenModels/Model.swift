import GardenNN
import GardenTensor

/// One input or output of a model's exported interface.
public struct TensorSpec: Hashable, Sendable {
    public var name: String
    public var dtype: DType
    /// Static shape, `-1` for dimensions the caller chooses (the batch).
    public var shape: Shape

    public init(_ name: String, _ dtype: DType, _ shape: Shape) {
        self.name = name; self.dtype = dtype; self.shape = shape
    }
}

/// The interface a model exports: named inputs and outputs, and whether each side is a single
/// tensor or a dict (BERT-style encoders take and return dicts).
public struct ModelSignature: Hashable, Sendable {
    public var inputs: [TensorSpec]
    public var outputs: [TensorSpec]
    public var dictInputs: Bool
    public var dictOutputs: Bool

    public init(inputs: [TensorSpec], outputs: [TensorSpec], dictInputs: Bool = false,
                dictOutputs: Bool = false) {
        self.inputs = inputs; self.outputs = outputs
        self.dictInputs = dictInputs; self.dictOutputs = dictOutputs
    }
}

/// A training example batch: the model inputs in signature order, plus the targets.
public struct Batch {
    public var inputs: [Tensor]
    public var targets: Tensor

    public init(inputs: [Tensor], targets: Tensor) { self.inputs = inputs; self.targets = targets }
}

/// A trainable, exportable model: a parameter tree with a forward pass and a loss.
///
/// `call` is written once against `Tensor` and runs eagerly, on a tape, or traced for export.
public protocol Model: AnyObject {
    /// The parameter tree (paths are assigned from it).
    var root: Module { get }
    /// What `call` takes and returns.
    var signature: ModelSignature { get }
    /// The forward pass: inputs and outputs in signature order.
    func call(_ inputs: [Tensor], _ ctx: ForwardContext) -> [Tensor]
    /// The training objective for a batch (data loss plus regularization) and named metrics.
    func loss(_ batch: Batch, _ ctx: ForwardContext) -> (loss: Tensor, metrics: [String: Tensor])
}

extension Model {
    /// Every parameter with its path.
    public var parameters: [(path: String, parameter: Parameter)] { root.namedParameters() }
}
