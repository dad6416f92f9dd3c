import GardenNN
import GardenTensor

/// A trainable, exportable model: a parameter tree with a forward pass. What it is trained
/// for (loss, metrics, data) is its task's (GardenRecipes' `RecipeTask`s).
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
}

extension Model {
    /// Every parameter with its path.
    public var parameters: [(path: String, parameter: Parameter)] { root.namedParameters() }

    /// `call` on the input leaves in declaration order (a `Batch`'s `inputs`, HDF5 datasets).
    public func call(leaves inputs: [Tensor], _ ctx: ForwardContext) -> Nested<Tensor> {
        call(signature.inputs.replacingLeaves(with: inputs), ctx)
    }
}
