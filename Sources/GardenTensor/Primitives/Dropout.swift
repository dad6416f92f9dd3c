import Synchronization

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
    /// The keep decisions the eager forward drew, for the vjp: one byte per Philox block (bit
    /// `j` keeps element `4c + j`), so the backward pass applies the same mask without running
    /// the cipher again (drawing was ~9 % of the 784-256-10 MLP's step, half of it the vjp's).
    /// `apply` runs the forward before it records the vjp, so the mask is always there.
    let drawn = DrawnMask()
    var name: String { "dropout" }

    func outputType(_ t: [TensorType]) -> TensorType { t[0] }

    /// `a` times the mask, in one pass: each Philox block's four words decide four elements as
    /// they are drawn, with no uniform or mask array in between (dropout masks were ~6 % of a
    /// bert_tiny step). The same draws, comparisons and products as `Philox.uniform` followed by
    /// a `u >= rate ? scale : 0` mask and a multiply, so the values are unchanged. `record`
    /// receives each block's keep bits.
    ///
    /// Eight blocks at a time (`Philox.blocks8`): each word's keep decisions for the eight blocks
    /// as one vector, so no vector is assembled lane by lane (the mask went from 6.9 to 4.0 % of
    /// the mlp's step samples).
    func masked(_ a: [Float], record: UnsafeMutableBufferPointer<UInt8>) -> [Float] {
        let scale = 1 / (1 - rate), rate = rate
        let philox = Philox(seed: seed, stream: stream)
        let unit = Float(1.0 / 16_777_216.0)
        let n = a.count
        /// Bit 0 where a word keeps its element, for eight blocks' same word.
        @inline(__always) func keeps(_ words: SIMD8<UInt32>) -> SIMD8<UInt32> {
            let u = SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: words &>> 8))
            return SIMD8<UInt32>().replacing(with: 1, where: u * unit .>= rate)
        }
        // Split over the threads by whole Philox blocks (block `c` decides elements 4c..<4c+4,
        // whichever part draws it), so the mask does not depend on the thread count.
        let blocks = (n + 3) / 4
        return a.withUnsafeBufferPointer { p in
            [Float](unsafeUninitializedCapacity: n) { buf, count in
                guard let out = buf.baseAddress, let input = p.baseAddress else { return }
                ParallelFor.forEach(blocks, grain: ParallelFor.defaultGrain / 16) { part in
                    // Locals, not captures: the loop then keeps them in registers (a store
                    // through `out` could alias the closure's context, forcing reloads).
                    let (philox, scale, input, out, record) = (philox, scale, input, out, record)
                    // A part's last eight may run past its end: the lanes beyond are drawn
                    // and dropped (lane j is block c + j whatever the others are).
                    for c in stride(from: part.lowerBound, to: part.upperBound, by: 8) {
                        let (w0, w1, w2, w3) = philox.blocks8(UInt64(c))
                        let bits =
                            keeps(w0) | keeps(w1) &<< 1 | keeps(w2) &<< 2 | keeps(w3) &<< 3
                        for j in 0..<min(8, part.upperBound - c) {
                            let b = UInt8(truncatingIfNeeded: bits[j])
                            record[c + j] = b
                            Dropout.multiply(
                                input, out, block: c + j, count: n, bits: b, scale: scale)
                        }
                    }
                }
                count = n
            }
        }
    }

    /// Block `c`'s elements (at most four, fewer in a last partial block) of `input` times
    /// `scale` where `bits` keeps them, else times 0.
    @inline(__always)
    static func multiply(
        _ input: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, block c: Int,
        count n: Int, bits: UInt8, scale: Float
    ) {
        let i = 4 * c
        // Branch-free: the mask is random, so a branch per element mispredicted half the time.
        let lanes = SIMD4<UInt32>(repeating: UInt32(bits)) & SIMD4(1, 2, 4, 8)
        let factors = SIMD4<Float>().replacing(with: scale, where: lanes .!= 0)
        if i + 4 <= n {
            let v = UnsafeRawPointer(input + i).loadUnaligned(as: SIMD4<Float>.self)
            UnsafeMutableRawPointer(out + i).storeBytes(of: v * factors, as: SIMD4<Float>.self)
        } else {
            for j in 0..<(n - i) { out[i + j] = input[i + j] * factors[j] }
        }
    }

    func forward(_ x: [Tensor]) -> Tensor {
        let n = x[0].count
        var recorded = [UInt8](repeating: 0, count: (n + 3) / 4)
        let y = recorded.withUnsafeMutableBufferPointer { masked(x[0].floats, record: $0) }
        drawn.record(recorded, elements: n)
        return Tensor(y, shape: x[0].shape)
    }

    // The recorded mask; of the input only its shape, the rate input not at all.
    func vjpReadsInput(_ index: Int, needed: [Bool]) -> Bool { false }
    var vjpReadsOutput: Bool { false }

    // Attention probabilities are kept by their softmax's vjp: the product after dropout need
    // not keep the dropped ones too (`apply` decides, from what the producer keeps).
    var recomputesOutput: Bool { true }

    /// The forward's output again: the recorded mask applied to the input, as the forward
    /// applied it (`multiply`), so the same bits without drawing again.
    func recompute(_ x: [Tensor]) -> Tensor { Tensor(applyMask(x[0].floats), shape: x[0].shape) }

    // The same mask (a pure function of seed, stream and position) applied to the gradient.
    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        [Tensor(applyMask(g.floats), shape: x[0].shape)] + (x.count > 1 ? [nil] : [])
    }

    /// `values` times the forward's recorded mask and scale.
    private func applyMask(_ values: [Float]) -> [Float] {
        let scale = 1 / (1 - rate), n = values.count
        guard let bits = drawn.bits(elements: n) else {
            preconditionFailure("dropout: \(n) elements without its forward's mask")
        }
        return values.withUnsafeBufferPointer { p in
            [Float](unsafeUninitializedCapacity: n) { buf, count in
                guard let out = buf.baseAddress, let input = p.baseAddress else { return }
                bits.withUnsafeBufferPointer { bits in
                    ParallelFor.forEach(bits.count, grain: ParallelFor.defaultGrain / 4) { part in
                        for c in part {
                            Dropout.multiply(
                                input, out, block: c, count: n, bits: bits[c], scale: scale)
                        }
                    }
                }
                count = n
            }
        }
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

/// The keep bits one eager dropout forward drew (see `Dropout.drawn`). A fresh `Dropout` value
/// is made per call, so each holds one mask; the lock covers a primitive run from two threads.
final class DrawnMask: Sendable {
    private let mask = Mutex<(bits: [UInt8], elements: Int)?>(nil)

    func record(_ bits: [UInt8], elements: Int) {
        mask.withLock { $0 = (bits, elements) }
    }

    /// The recorded bits when they cover exactly `elements` elements.
    func bits(elements: Int) -> [UInt8]? {
        mask.withLock { $0.flatMap { $0.elements == elements ? $0.bits : nil } }
    }
}
