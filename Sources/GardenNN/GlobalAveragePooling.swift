import GardenTensor

/// The mean over the spatial axes, as Keras' `GlobalAveragePooling2D` (and the `reduce_mean` of
/// TF's legacy ResNet): one feature vector per image, whatever its height and width.
///
/// Input shape: `[batch, height, width, channels]`. Output shape: `[batch, channels]`.
/// No parameters. TF: `Mean` over `[1, 2]`.
public final class GlobalAveragePooling: Module {
    public override init(name: String = "global_average_pooling") { super.init(name: name) }

    public func callAsFunction(_ x: Tensor) -> Tensor { x.mean(axes: [1, 2]) }
}
