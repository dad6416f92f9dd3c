/// Inverted dropout: each element is kept with probability `1 - rate` and scaled by
/// `1 / (1 - rate)`, else zeroed.
///
/// Eager: the mask comes from Philox keyed by (`seed`, `stream`), so a step's mask is a function
/// of the recipe seed and the step. Traced: TensorFlow's own `tf.nn.dropout` subgraph with a
/// stateful `RandomUniform` (seed 0), so every call of the exported `training=True` function
/// draws a new mask, as Keras users expect.
///
/// Inputs: `x`, and optionally a float32 scalar holding the rate (a variable's value, so an
/// export's consumer can change the rate: the traced graph then computes the threshold and the
/// scale from it; eagerly its value must equal `rate`).
struct Dropout: Primitive {
    var rate: Float
    var seed: UInt64
    var stream: UInt64
    var name: String { "dropout" }

    func outputType(_ t: [TensorType]) -> TensorType { t[0] }

    /// `a` times the mask, in one pass: each Philox block's four words decide four elements as
    /// they are drawn, with no uniform or mask array in between (dropout masks were ~6 % of a
    /// bert_tiny step). The same draws, comparisons and products as `Philox.uniform` followed by
    /// a `u >= rate ? scale : 0` mask and a multiply, so the values are unchanged.
    func masked(_ a: [Float]) -> [Float] {
        let scale = 1 / (1 - rate), rate = rate
        let philox = Philox(seed: seed, stream: stream)
        let unit = Float(1.0 / 16_777_216.0)
        let n = a.count
        @inline(__always) func keep(_ word: UInt32, _ v: Float) -> Float {
            v * (Float(word >> 8) * unit >= rate ? scale : 0)
        }
        // Split over the threads by whole Philox blocks (block `c` decides elements 4c..<4c+4,
        // whichever part draws it), so the mask does not depend on the thread count.
        let blocks = n / 4
        return a.withUnsafeBufferPointer { p in
            [Float](unsafeUninitializedCapacity: n) { buf, count in
                guard let out = buf.baseAddress else { return }
                ParallelFor.forEach(blocks, grain: ParallelFor.defaultGrain / 16) { part in
                    // Locals, not captures: the loop then keeps them in registers (a store
                    // through `out` could alias the closure's context, forcing reloads).
                    let (philox, rate, scale, unit, p, out) = (philox, rate, scale, unit, p, out)
                    @inline(__always) func keep(_ word: UInt32, _ v: Float) -> Float {
                        v * (Float(word >> 8) * unit >= rate ? scale : 0)
                    }
                    for c in part {
                        let i = 4 * c
                        let (w0, w1, w2, w3) = philox.block(UInt64(c))
                        out[i] = keep(w0, p[i]); out[i + 1] = keep(w1, p[i + 1])
                        out[i + 2] = keep(w2, p[i + 2]); out[i + 3] = keep(w3, p[i + 3])
                    }
                }
                let i = 4 * blocks
                if i < n {
                    let (w0, w1, w2, _) = philox.block(UInt64(blocks))
                    let words = [w0, w1, w2]
                    for k in 0..<(n - i) { out[i + k] = keep(words[k], p[i + k]) }
                }
                count = n
            }
        }
    }

    func forward(_ x: [Tensor]) -> Tensor { Tensor(masked(x[0].floats), shape: x[0].shape) }

    // The same mask (a pure function of seed, stream and position) applied to the gradient.
    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        [Tensor(masked(g.floats), shape: x[0].shape)] + (x.count > 1 ? [nil] : [])
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        tr.withScope("dropout") {
            let float: [String: GraphAttr] = ["T": .type(.float32)]
            // A rate input: scale = 1 / (1 - rate) computed in the graph; else constants.
            let (threshold, scale): (GraphRef, GraphRef)
            if x.count > 1 {
                let kept = tr.addNode("Sub", inputs: [tr.floatConstant([1]), x[1]], attrs: float)
                let inverse = tr.addNode(
                    "RealDiv",
                    inputs: [tr.floatConstant([1]), .output(node: kept, outputArg: "z", index: 0)],
                    attrs: float)
                (threshold, scale) = (x[1], .output(node: inverse, outputArg: "z", index: 0))
            } else {
                (threshold, scale) = (tr.floatConstant([rate]), tr.floatConstant([1 / (1 - rate)]))
            }
            let scaled = tr.addNode("Mul", inputs: [x[0], scale], attrs: float)
            let shape = tr.addNode("Shape", inputs: [x[0]], attrs: float)
            let uniform = tr.addNode(
                "RandomUniform", inputs: [.output(node: shape, outputArg: "output", index: 0)],
                attrs: ["T": .type(.int32), "dtype": .type(.float32)])
            let keep = tr.addNode(
                "GreaterEqual",
                inputs: [.output(node: uniform, outputArg: "output", index: 0), threshold],
                attrs: float)
            let select = tr.addNode(
                "SelectV2",
                inputs: [
                    .output(node: keep, outputArg: "z", index: 0),
                    .output(node: scaled, outputArg: "z", index: 0), tr.floatConstant([0]),
                ],
                attrs: float)
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

    /// Inverted dropout at the rate held by the float32 scalar `rate` (a variable's value);
    /// `eagerRate` is that value, which eager execution uses. Traced, the graph reads the rate,
    /// so changing the variable changes the next call's dropout, even from 0.
    public func dropout(rate: Tensor, eagerRate: Float, seed: UInt64, stream: UInt64) -> Tensor {
        apply(Dropout(rate: eagerRate, seed: seed, stream: stream), [self, rate])
    }
}
