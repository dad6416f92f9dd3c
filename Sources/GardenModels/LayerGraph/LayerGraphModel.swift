import GardenNN
import GardenTensor

/// A model whose forward pass is a `LayerGraph`, so its layers can be looked up by name and
/// the network up to any of them extracted as a model of its own. `signature` and `call` come
/// from the graph.
public protocol LayerGraphModel: Model {
    var layerGraph: LayerGraph { get }
}

extension LayerGraphModel {
    /// The graph's input, and the last layer's output as `output_0`.
    public var signature: Signature {
        Signature(
            inputs: .leaf(layerGraph.input),
            outputs: .leaf(TensorSpec("output_0", .float32, layerGraph.outputShape)))
    }

    /// Runs the graph on the single input.
    public func call(_ inputs: Nested<Tensor>, _ ctx: ForwardContext) -> Nested<Tensor> {
        .leaf(layerGraph(inputs.single, ctx))
    }

    /// The layer names, in order (API: `extract: {to: ...}` in recipes names one of them).
    public var layerNames: [String] { layerGraph.layerNames }

    /// The module of layer `name`.
    ///
    /// - Throws: `LayerGraphError.unknownLayer`, listing the valid names.
    public func layer(named name: String) throws -> Module {
        layerGraph.layers[try layerGraph.index(of: name, model: root.name)].module
    }

    /// The output of layer `name` for `inputs` (the graph run up to that layer).
    public func output(of name: String, _ inputs: Nested<Tensor>, _ ctx: ForwardContext) throws
        -> Tensor
    {
        try layerGraph.prefix(through: name, model: root.name)(inputs.single, ctx)
    }

    /// The model from the input to the output of layer `name`, SHARING this model's
    /// `Parameter`s (trained values, and later updates, are seen by both), as Keras'
    /// `Model(model.input, model.get_layer(name).output)`.
    ///
    /// - Throws: `LayerGraphError.unknownLayer`, listing the valid names.
    public func extract(to name: String) throws -> ExtractedModel {
        ExtractedModel(
            name: root.name,
            graph: try layerGraph.prefix(through: name, model: root.name))
    }
}
