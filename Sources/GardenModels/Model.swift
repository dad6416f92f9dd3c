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

    /// Outputs that form one list-valued output in the exported structure (BERT's
    /// `encoder_outputs`, one tensor per layer). `outputs` stays flat: each element is an
    /// ordinary entry there (`encoder_outputs_0`, ...) and `call` returns it in that place; a
    /// list here names the flat outputs that the exporter nests, in order, under its name
    /// (`{"encoder_outputs": [t0, t1, ...]}`). Empty for models whose outputs are all tensors.
    public var outputLists: [OutputList]

    public init(
        inputs: [TensorSpec], outputs: [TensorSpec], dictInputs: Bool = false,
        dictOutputs: Bool = false, outputLists: [OutputList] = []
    ) {
        self.inputs = inputs; self.outputs = outputs
        self.dictInputs = dictInputs; self.dictOutputs = dictOutputs
        self.outputLists = outputLists
    }
}

/// A list-valued output of a `ModelSignature`: its key and the names of the flat outputs that
/// are its elements, in list order.
public struct OutputList: Hashable, Sendable {
    public var name: String
    public var elements: [String]

    public init(name: String, elements: [String]) { self.name = name; self.elements = elements }
}

/// A trainable, exportable model: a parameter tree with a forward pass. What it is trained
/// for (loss, metrics, data) is its task's (GardenRecipes' `RecipeTask`s).
///
/// `call` is written once against `Tensor` and runs eagerly, on a tape, or traced for export.
public protocol Model: AnyObject {
    /// The parameter tree (paths are assigned from it).
    var root: Module { get }
    /// What `call` takes and returns.
    var signature: ModelSignature { get }
    /// The forward pass: inputs and outputs in signature order.
    func call(_ inputs: [Tensor], _ ctx: ForwardContext) -> [Tensor]
}

extension Model {
    /// Every parameter with its path.
    public var parameters: [(path: String, parameter: Parameter)] { root.namedParameters() }
}
