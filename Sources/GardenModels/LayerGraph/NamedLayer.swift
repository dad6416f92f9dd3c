import GardenNN
import GardenTensor

/// One named step of a `LayerGraph`: a module, how to apply it, and the static shape of its
/// output when the graph's input has its declared (possibly unknown) shape.
public struct NamedLayer {
    /// The layer's name, unique in its graph (`stem`, `stage2`, `reduce_mean`).
    public let name: String
    /// The module owning the layer's parameters (its name is the layer name).
    public let module: Module
    /// The output's static shape, `-1` where the graph input leaves a size open.
    public let outputShape: Shape
    /// Applies the layer to the previous layer's output.
    public let apply: (Tensor, ForwardContext) -> Tensor

    public init(
        _ module: Module, outputShape: Shape,
        apply: @escaping (Tensor, ForwardContext) -> Tensor
    ) {
        name = module.name
        self.module = module
        self.outputShape = outputShape
        self.apply = apply
    }
}
