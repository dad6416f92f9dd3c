import GardenNN
import GardenTensor

/// A training example batch: the model inputs in signature order, plus the targets.
public struct Batch {
    public var inputs: [Tensor]
    public var targets: Tensor
    /// Further named tensors a loss needs beyond `inputs` and `targets` (BERT pre-training:
    /// `masked_lm_ids`, `masked_lm_weights`; `masked_lm_positions` is a model input, so it is in
    /// `inputs`). Empty for MLP and mul.
    public var features: [String: Tensor]

    public init(inputs: [Tensor], targets: Tensor, features: [String: Tensor] = [:]) {
        self.inputs = inputs; self.targets = targets; self.features = features
    }
}

/// A trainable, exportable model: a parameter tree with a forward pass and a loss.
///
/// `call` is written once against `Tensor` and runs eagerly, on a tape, or traced for export.
public protocol Model: AnyObject {
    /// The parameter tree (paths are assigned from it).
    var root: Module { get }
    /// What `call` takes and returns: a single tensor, or named structures (BERT's dicts).
    var signature: Signature { get }
    /// The forward pass: inputs shaped as `signature.inputs`, outputs as `signature.outputs`
    /// (dict entries in the declared order).
    func call(_ inputs: Nested<Tensor>, _ ctx: ForwardContext) -> Nested<Tensor>
    /// The training objective for a batch (data loss plus regularization) and named metrics.
    func loss(_ batch: Batch, _ ctx: ForwardContext) -> (loss: Tensor, metrics: [String: Tensor])
}

extension Model {
    /// Every parameter with its path.
    public var parameters: [(path: String, parameter: Parameter)] { root.namedParameters() }

    /// `call` on the input leaves in declaration order (a `Batch`'s `inputs`, HDF5 datasets).
    public func call(leaves inputs: [Tensor], _ ctx: ForwardContext) -> Nested<Tensor> {
        call(signature.inputs.replacingLeaves(with: inputs), ctx)
    }
}
