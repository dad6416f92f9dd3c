/// What the pooling primitives share: the NHWC shape rule and TensorFlow's pooling attrs.
///
/// Windows are square (`size x size`) with one stride along height and width, as in the models.
protocol Pool2D: Primitive {
    var size: Int { get }
    var stride: Int { get }
    var padding: SpatialPadding { get }
}

extension Pool2D {
    /// The output type of pooling an input of type `t`: `[n, h, w, c]` → `[n, oh, ow, c]`,
    /// unknown sizes staying unknown.
    func pooledType(_ t: TensorType) -> TensorType {
        precondition(t.dtype == .float32, "\(name): expects float32, got \(t.dtype)")
        guard let x = t.shape.dims, x.count == 4 else {
            preconditionFailure("\(name): input must be NHWC rank 4, got \(t.shape)")
        }
        return TensorType(
            .float32,
            Shape([
                x[0], padding.outputSize(x[1], kernel: size, stride: stride),
                padding.outputSize(x[2], kernel: size, stride: stride), x[3],
            ]))
    }

    /// The window geometry over a concrete input shape.
    func window(_ input: [Int]) -> Window2D {
        Window2D(input: input, kH: size, kW: size, stride: stride, padding: padding, op: name)
    }

    /// TensorFlow's `ksize`, `strides`, `padding` and `T` attrs.
    var poolAttrs: [String: GraphAttr] {
        [
            "T": .type(.float32), "ksize": .ints([1, size, size, 1]),
            "strides": .ints([1, stride, stride, 1]), "padding": .string(padding.tfName),
        ]
    }
}
