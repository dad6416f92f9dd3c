import GardenTensor

/// Everything a SavedModel export contains, as a value: the writer turns it into
/// `saved_model.pb`, `variables/` and `assets/` (see savedmodel-format.md).
///
/// ```swift
/// let v = Parameter(Tensor(2), path: "v")
/// let input = TensorSpec("inputs", .float32, .unknownRank)
/// let trace = Tracer.trace(arguments: [input]) { xs in [("output_0", xs[0] * v.read())] }
/// // Structured: Tracer.trace(signature) { model.call($0, ctx) }, CallFunction(signature:).
/// let loss = Tracer.trace(arguments: []) { _ in [("loss", 0.001 * v.read() * v.read())] }
/// let spec = SavedModelSpec(
///     variables: [ExportedVariable(v)],
///     call: CallFunction(training: trace, inference: trace),
///     regularizationLosses: [loss])
/// try SavedModelWriter.write(spec, to: URL(fileURLWithPath: "/tmp/mul"), overwrite: true)
/// ```
public struct SavedModelSpec {
    /// All variables, in the order of the `variables` list; the trainable ones also form
    /// `trainable_variables` (same order). Each is also reachable under root containers that
    /// follow its path (`dense_0/kernel` → `loaded.dense_0.kernel`) unless a path component
    /// collides with a reserved root attribute (then only the lists hold it).
    public var variables: [ExportedVariable]
    /// `__call__(inputs, training=False)`.
    public var call: CallFunction
    /// No-argument functions returning a scalar (`regularization_losses`, hub's `layer.losses`).
    public var regularizationLosses: [GraphFunction]
    /// Key of the keyword-only signature built from the `training=false` trace; nil for none
    /// (the root still gets an empty `signatures` map).
    public var servingSignatureKey: String?
    /// Child objects under the root (e.g. `mlm`).
    public var children: [ChildObject]
    /// Files for `assets/`.
    public var assets: [ExportedAsset]
    /// MetaGraphDef tags.
    public var tags: [String]
    /// Whether to add the TF1 / TF Serving pieces (outer graph, restore graph, `saver_def`,
    /// `signature_def`), so `saved_model_cli run` and TF1 sessions work too.
    public var includesServingGraph: Bool
    /// Non-trainable metadata variables no function reads (e.g. `do_lower_case`), listed in
    /// `variables` after the others and placed at the root under their names.
    public var constants: [ExportedConstant] = []
    /// Files for `assets.extra/`: metadata for people and tools that TensorFlow never reads
    /// (e.g. what the export could not carry), written inside the same atomic export.
    public var extraFiles: [ExportedAsset] = []
    /// Lookup tables filled from assets (the tokenizer's vocabulary), which functions capture
    /// through `GraphResource`s; each is initialised by the loaders (``ExportedTable``).
    public var tables: [ExportedTable] = []
    /// More keyword-only signatures beside `servingSignatureKey`'s, each over its own function
    /// (e.g. `text_pair` of a text-in export: two strings in).
    public var extraSignatures: [(key: String, function: GraphFunction, signature: Signature)] = []

    /// Creates a spec; defaults give `serving_default`, tag `serve` and the TF1 serving graph.
    public init(
        variables: [ExportedVariable], call: CallFunction,
        regularizationLosses: [GraphFunction] = [],
        servingSignatureKey: String? = "serving_default",
        children: [ChildObject] = [], assets: [ExportedAsset] = [],
        tags: [String] = ["serve"], includesServingGraph: Bool = true
    ) {
        self.variables = variables; self.call = call
        self.regularizationLosses = regularizationLosses
        self.servingSignatureKey = servingSignatureKey
        self.children = children; self.assets = assets
        self.tags = tags; self.includesServingGraph = includesServingGraph
    }

    /// Root attribute names the writer uses itself; a variable path starting with one of these
    /// (or with a child or asset name) is not mirrored as a root container.
    public static let reservedRootNames: Set<String> = [
        "variables", "trainable_variables", "regularization_losses", "signatures", "__call__",
    ]
}
