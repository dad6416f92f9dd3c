/// Inverted dropout: each element is kept with probability `1 - rate` and scaled by
/// `1 / (1 - rate)`, else zeroed.
///
/// Eager: the mask comes from Philox keyed by (`seed`, `stream`), so a step's mask is a function
/// of the recipe seed and the step. Traced: TensorFlow's own `tf.nn.dropout` subgraph with a
/// stateful `RandomUniform` (seed 0), so every call of the exported `training=True` function
/// draws a new mask, as Keras users expect.
struct Dropout: Primitive {
    var rate: Float
    var seed: UInt64
    var stream: UInt64
    var name: String { "dropout" }

    func outputType(_ t: [TensorType]) -> TensorType { t[0] }

    func mask(count: Int) -> [Float] {
        let scale = 1 / (1 - rate)
        return Philox(seed: seed, stream: stream).uniform(count: count).map { $0 >= rate ? scale : 0 }
    }

    func forward(_ x: [Tensor]) -> Tensor {
        let m = mask(count: x[0].count)
        let a = x[0].floats
        return Tensor(zip(a, m).map { $0 * $1 }, shape: x[0].shape)
    }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        [g * Tensor(mask(count: x[0].count), shape: x[0].shape)]
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        tr.withScope("dropout") {
            let scaled = tr.addNode("Mul", inputs: [x[0], tr.floatConstant([1 / (1 - rate)])],
                                    attrs: ["T": .type(.float32)])
            let shape = tr.addNode("Shape", inputs: [x[0]], attrs: ["T": .type(.float32)])
            let uniform = tr.addNode(
                "RandomUniform", inputs: [.output(node: shape, outputArg: "output", index: 0)],
                attrs: ["T": .type(.int32), "dtype": .type(.float32)])
            let keep = tr.addNode(
                "GreaterEqual",
                inputs: [.output(node: uniform, outputArg: "output", index: 0), tr.floatConstant([rate])],
                attrs: ["T": .type(.float32)])
            let select = tr.addNode(
                "SelectV2",
                inputs: [.output(node: keep, outputArg: "z", index: 0),
                         .output(node: scaled, outputArg: "z", index: 0), tr.floatConstant([0])],
                attrs: ["T": .type(.float32)])
            return .output(node: select, outputArg: "output", index: 0)
        }
    }
}

extension Tensor {
    /// Inverted dropout at `rate` with a mask drawn from Philox(`seed`, `stream`); identity when
    /// `rate` is 0.
    public func dropout(rate: Float, seed: UInt64, stream: UInt64) -> Tensor {
        rate <= 0 ? self : apply(Dropout(rate: rate, seed: seed, stream: stream), [self])
    }
}
