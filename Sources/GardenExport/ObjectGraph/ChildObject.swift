import GardenTensor

/// A child object of the exported root (e.g. BERT's `mlm` head): a container with an optional
/// `__call__` of fixed input signature and named references to exported variables.
///
/// After `tf.saved_model.load`, `loaded.<name>(x)` calls the function and
/// `loaded.<name>.<variable>` is the same variable object as elsewhere in the model.
public struct ChildObject {
    /// Attribute name under the root; also prefixes the function name.
    public var name: String
    /// The child's `__call__`: positional tensor arguments in the trace's argument order.
    public var call: GraphFunction?
    /// The structure `call` returns, its leaves matched to the trace's outputs in order (e.g.
    /// `{"mlm_logits": ...}`); nil for a single tensor.
    public var outputs: Nested<TensorSpec>?
    /// Extra attributes naming exported variables (e.g. `word_embeddings`), sorted by name.
    public var variables: [String: Parameter]
    /// Variables only this child holds (e.g. the masked-LM head's own weights): exported and
    /// checkpointed under the child at their paths (`mlm/transform/kernel` →
    /// `loaded.mlm.transform.kernel`), but not in the root's `variables` lists.
    public var ownVariables: [ExportedVariable]

    /// Creates a child object.
    public init(
        name: String, call: GraphFunction? = nil, outputs: Nested<TensorSpec>? = nil,
        variables: [String: Parameter] = [:], ownVariables: [ExportedVariable] = []
    ) {
        self.name = name; self.call = call; self.outputs = outputs; self.variables = variables
        self.ownVariables = ownVariables
    }
}
