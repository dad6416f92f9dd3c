import GardenNN
import GardenTensor

/// A sequential network of named layers: the input flows through `layers` in order.
///
/// This is what makes Model Garden's post-hoc extraction (`get_layer(name).output` in the legacy
/// image `tfhub_export.py`) possible without a symbolic Keras graph: every layer boundary has a
/// name, so the network from the input to any layer's output is a prefix of the list, and a
/// prefix shares the layers' modules (and so their `Parameter`s) with the whole.
public struct LayerGraph {
    /// The graph's one input (name, dtype, shape with `-1` for open sizes).
    public let input: TensorSpec
    public let layers: [NamedLayer]

    /// - Precondition: layer names are unique and there is at least one layer.
    public init(input: TensorSpec, layers: [NamedLayer]) {
        let names = layers.map(\.name)
        precondition(!names.isEmpty, "LayerGraph: no layers")
        precondition(Set(names).count == names.count, "LayerGraph: duplicate layer names \(names)")
        self.input = input
        self.layers = layers
    }

    /// The layer names, in order.
    public var layerNames: [String] { layers.map(\.name) }

    /// The static shape of the graph's output.
    public var outputShape: Shape { layers[layers.count - 1].outputShape }

    /// The position of layer `name`.
    ///
    /// - Throws: `LayerGraphError.unknownLayer`, listing the valid names; `model` names the
    ///   model in the message.
    public func index(of name: String, model: String) throws -> Int {
        guard let i = layers.firstIndex(where: { $0.name == name }) else {
            throw LayerGraphError.unknownLayer(name: name, model: model, validNames: layerNames)
        }
        return i
    }

    /// The graph from the input through layer `name` (inclusive), sharing its layers.
    public func prefix(through name: String, model: String) throws -> LayerGraph {
        LayerGraph(input: input, layers: Array(layers[...(try index(of: name, model: model))]))
    }

    /// Runs every layer on `x`.
    public func callAsFunction(_ x: Tensor, _ ctx: ForwardContext) -> Tensor {
        layers.reduce(x) { h, layer in layer.apply(h, ctx) }
    }
}
