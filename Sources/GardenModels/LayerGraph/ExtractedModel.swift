import GardenNN
import GardenTensor

/// A part of a `LayerGraphModel`: the network from its input to one named layer's output,
/// made by `extract(to:)`.
///
/// The part holds the same modules as the full model, so parameter paths (`stem/conv/kernel`)
/// and `Parameter` objects are shared: exporting the part exports the trained variables under
/// the names the checkpoint uses. Its signature takes the model's input and returns the layer's
/// output as `output_0` (for `reduce_mean` of `ResNetClassifier`: `[batch, features]`).
public final class ExtractedModel: LayerGraphModel {
    public let root: Module
    public let layerGraph: LayerGraph

    /// - Parameters:
    ///   - name: the root module's name (not part of parameter paths).
    ///   - graph: the layers of the part; their modules become the root's children.
    public init(name: String, graph: LayerGraph) {
        root = Module(name: name)
        for layer in graph.layers { root.addModule(layer.module) }
        layerGraph = graph
    }

    /// The name of the last layer: the one whose output this part returns.
    public var outputLayer: String { layerGraph.layerNames[layerGraph.layers.count - 1] }
}
