import GardenTestSupport
import Testing

@testable import GardenTensor

/// The fused primitives (GELU, layer norm, softmax's vjp, dropout's one-pass mask, the vjps of
/// training batch norm and ReLU, a residual sum's ReLU, a dense layer's bias) against the composites they replace: same forward values, same
/// gradients, same traced ops. style.md: fuse only with a test that the fused and composite
/// gradients agree.
@Suite("Fused primitives agree with their composites")
struct FusedPrimitiveTests {
    /// Forward values and the gradients of `sum(f(x) · r)` for a random projection `r`, so every
    /// output element weighs differently in the gradient.
    static func valueAndGradients(_ f: ([Tensor]) -> Tensor, at inputs: [Tensor]) -> (
        Tensor, [Tensor]
    ) {
        let parameters = inputs.enumerated().map { Parameter($1, path: "input_\($0)") }
        let value = f(inputs)
        let r = TestInputs.uniform(value.shape, in: -1...1, stream: 0xF0_5ED)
        let (_, grads) = Tape.valueWithGradients { (f(parameters.map { $0.read() }) * r).sum() }
        // An input the tape never reached has gradient zero (as in `gradientCheck`).
        return (
            value,
            parameters.map { p in grads.first { $0.0 === p }?.1 ?? Tensor.zeros(p.value.shape) }
        )
    }

    @Test func geluValuesAndGradientsEqualTheCompositeBitwise() {
        let x = TestInputs.uniform([3, 7, 11], in: -4...4, stream: 600)
        let (fy, fg) = Self.valueAndGradients({ $0[0].gelu() }, at: [x])
        let (cy, cg) = Self.valueAndGradients({ $0[0].geluComposite() }, at: [x])
        #expect(fy.floats == cy.floats)
        #expect(fg[0].floats == cg[0].floats)
    }

    /// Four rows normalized together (their sums interleaved) give each row the bits of
    /// `normalizeRow`, whatever the row length.
    @Test func fourLayerNormRowsAtOnceHaveTheBitsOfOneAtATime() {
        for h in [1, 2, 7, 13, 128, 300] {
            let x = TestInputs.uniform([4, h], in: -30...50, stream: 610 + UInt64(h)).floats
            var together = [Float](repeating: 0, count: 4 * h)
            var alone = [Float](repeating: 0, count: 4 * h)
            let r4 = x.withUnsafeBufferPointer { p in
                together.withUnsafeMutableBufferPointer {
                    LayerNorm.normalizeFourRows(p.baseAddress!, h, 1e-5, $0.baseAddress!)
                }
            }
            for k in 0..<4 {
                let r = x.withUnsafeBufferPointer { p in
                    alone.withUnsafeMutableBufferPointer {
                        LayerNorm.normalizeRow(
                            p.baseAddress! + k * h, h, 1e-5, $0.baseAddress! + k * h)
                    }
                }
                #expect(r.bitPattern == r4[k].bitPattern, "h \(h), row \(k)")
            }
            #expect(together == alone, "h \(h)")
        }
    }

    @Test func layerNormValuesEqualAndGradientsAgreeWithTheComposite() {
        let x = TestInputs.uniform([2, 5, 13], in: -3...3, stream: 601)
        let gamma = TestInputs.uniform([13], in: 0.5...1.5, stream: 602)
        let beta = TestInputs.uniform([13], stream: 603)
        let fused = Self.valueAndGradients(
            { $0[0].layerNorm(gamma: $0[1], beta: $0[2], epsilon: 1e-12) }, at: [x, gamma, beta])
        let composite = Self.valueAndGradients(
            { $0[0].layerNormComposite(gamma: $0[1], beta: $0[2], epsilon: 1e-12) },
            at: [x, gamma, beta])
        // The forward does the composite's Float operations in its order.
        #expect(fused.0.floats == composite.0.floats)
        // The closed-form backward sums in another order: equal to rounding.
        for k in 0..<3 {
            #expect(fused.1[k].shape == composite.1[k].shape)
            expectClose(
                fused.1[k], composite.1[k].floats.map(Double.init), shape: composite.1[k].shape,
                absolute: 1e-5, relative: 1e-4)
        }
        checkGradients(
            of: { $0[0].layerNorm(gamma: $0[1], beta: $0[2], epsilon: 1e-3) },
            at: [
                TestInputs.uniform([3, 1, 6], in: -2...2, stream: 604),
                TestInputs.uniform([6], stream: 605), TestInputs.uniform([6], stream: 606),
            ])
    }

    @Test func softmaxGradientEqualsTheCompositeFormulaBitwise() {
        let x = TestInputs.uniform([2, 3, 9], in: -3...3, stream: 607)
        let g = TestInputs.uniform([2, 3, 9], in: -1...1, stream: 608)
        let p = Parameter(x, path: "x")
        let (_, grads) = Tape.valueWithGradients { (p.read().softmax() * g).sum() }
        let y = x.softmax()
        let composite = y * (g - (g * y).sum(axes: [-1], keepDims: true))
        #expect(grads[0].1.floats == composite.floats)
    }

    /// Training batch norm's fused backward against the closed form written with primitives (what
    /// `BatchNorm.vjp` was before the fusion: bitwise equal) and against the tape's gradients of
    /// batch norm composed from `Mean`, `Sub`, `Mul`, ... (equal to rounding).
    @Test func batchNormTrainingGradientEqualsTheClosedFormBitwise() {
        let x = TestInputs.uniform([3, 5, 4, 6], in: -2...3, stream: 610)
        let scale = TestInputs.uniform([6], in: 0.5...1.5, stream: 611)
        let offset = TestInputs.uniform([6], stream: 612)
        let (mean, variance) = (Tensor.zeros([6]), Tensor.ones([6]))
        let eps: Float = 1e-3
        let fused = Self.valueAndGradients(
            {
                $0[0].batchNormTraining(
                    scale: $0[1], offset: $0[2], mean: mean, variance: variance, epsilon: eps
                ).output
            }, at: [x, scale, offset])
        let axes = [0, 1, 2]
        // The closed form, with the upstream gradient `valueAndGradients` uses.
        let g = TestInputs.uniform(x.shape, in: -1...1, stream: 0xF0_5ED)
        let m = Float(3 * 5 * 4)
        let centered = x - x.mean(axes: axes)
        let inv = (((centered * centered).mean(axes: axes) + eps).log() * -0.5).exp()
        let xhat = centered * inv
        let gSum = g.sum(axes: axes)
        let gxhat = (g * xhat).sum(axes: axes)
        let dx = (scale * inv / m) * (g * m - gSum - xhat * gxhat)
        #expect(fused.1[0].floats == dx.floats)
        #expect(fused.1[1].floats == gxhat.floats)
        #expect(fused.1[2].floats == gSum.floats)
        let composite = Self.valueAndGradients(
            { a in
                let c = a[0] - a[0].mean(axes: axes)
                let r = ((c * c).mean(axes: axes) + eps).rsqrt()
                return c * r * a[1] + a[2]
            }, at: [x, scale, offset])
        expectClose(fused.0, composite.0.floats.map(Double.init), shape: x.shape)
        for k in 0..<3 {
            expectClose(
                fused.1[k], composite.1[k].floats.map(Double.init), shape: composite.1[k].shape,
                absolute: 1e-4, relative: 1e-4)
        }
    }

    @Test func reluGradientEqualsTheCompositeBitwise() {
        let x = TestInputs.uniform([4, 33], in: -2...2, stream: 613)
        let (y, grads) = Self.valueAndGradients({ $0[0].relu() }, at: [x])
        let g = TestInputs.uniform(y.shape, in: -1...1, stream: 0xF0_5ED)
        #expect(grads[0].floats == (g * y.sign()).floats)
        #expect(grads[0].floats.contains(0) && grads[0].floats.contains { $0 != 0 })
    }

    /// Batch norm with its ReLU fused (`relu: true`) against batch norm, then `relu()`: the same
    /// bits forward and backward, in training and in inference, with channel counts on and off
    /// the eight-lane kernels' width and enough rows to split over the threads.
    @Test func batchNormWithReLUFusedEqualsBatchNormThenReLUBitwise() {
        for shape in [[3, 5, 4, 6], [4, 16, 16, 16], [2, 9, 7, 19]] {
            let c = shape[3]
            let x = TestInputs.uniform(shape, in: -2...3, stream: 614)
            let scale = TestInputs.uniform([c], in: 0.5...1.5, stream: 615)
            let offset = TestInputs.uniform([c], in: -1...1, stream: 616)
            let mean = TestInputs.uniform([c], in: -0.5...0.5, stream: 617)
            let variance = TestInputs.uniform([c], in: 0.5...2, stream: 618)
            let eps: Float = 1e-3
            for training in [true, false] {
                func normalized(_ t: [Tensor], relu: Bool) -> Tensor {
                    training
                        ? t[0].batchNormTraining(
                            scale: t[1], offset: t[2], mean: t[3], variance: t[4], epsilon: eps,
                            relu: relu
                        ).output
                        : t[0].batchNorm(
                            scale: t[1], offset: t[2], mean: t[3], variance: t[4], epsilon: eps,
                            relu: relu)
                }
                let inputs = [x, scale, offset, mean, variance]
                let fused = Self.valueAndGradients({ normalized($0, relu: true) }, at: inputs)
                let apart = Self.valueAndGradients(
                    { normalized($0, relu: false).relu() }, at: inputs)
                let label = "\(shape), training \(training)"
                #expect(fused.0.floats == apart.0.floats, "values, \(label)")
                #expect(
                    fused.0.floats.contains(0) && fused.0.floats.contains { $0 > 0 }, "\(label)")
                for k in 0..<5 {
                    #expect(fused.1[k].floats == apart.1[k].floats, "gradient \(k), \(label)")
                }
            }
        }
    }

    /// A residual sum with its ReLU (`Tensor.reluOfSum`) against `(a + b).relu()`: the same
    /// bits forward and for both gradients, on sizes off the four-lane loop's width and large
    /// enough to split over the threads, with sums that are exactly 0, -0 and NaN.
    @Test func reluOfSumEqualsAddThenReLUBitwise() {
        for shape in [[3, 5, 7], [8, 16, 16, 16]] {
            var a = TestInputs.uniform(shape, in: -2...2, stream: 619).floats
            var b = TestInputs.uniform(shape, in: -2...2, stream: 620).floats
            a[0] = -b[0]  // a sum of exactly 0
            a[1] = .nan
            (a[2], b[2]) = (-0.0, -0.0)
            let inputs = [Tensor(a, shape: shape), Tensor(b, shape: shape)]
            let fused = Self.valueAndGradients({ Tensor.reluOfSum($0[0], $0[1]) }, at: inputs)
            let apart = Self.valueAndGradients({ ($0[0] + $0[1]).relu() }, at: inputs)
            #expect(fused.0.floats.map(\.bitPattern) == apart.0.floats.map(\.bitPattern))
            #expect(fused.0.floats.contains(0) && fused.0.floats.contains { $0 > 0 })
            for k in 0..<2 {
                #expect(
                    fused.1[k].floats.map(\.bitPattern) == apart.1[k].floats.map(\.bitPattern),
                    "gradient \(k), \(shape)")
            }
        }
    }

    /// A dense layer's product with its bias added by the product's blocks (`denseProduct`)
    /// against the product, then `+ bias`: the same bits forward and for all three gradients,
    /// at rank 2 and 3, unsplit and cut into blocks of rows and of columns, and with an empty
    /// inner dimension.
    @Test func denseProductEqualsTheProductPlusBiasBitwise() {
        // x shape, n: [8, 16] x [16, 5] one block; [4, 64, 128] x [128, 256] blocks of rows;
        // [40, 128] x [128, 512] blocks of columns; [3, 0] x [0, 6] no product.
        for (xShape, n) in [([8, 16], 5), ([4, 64, 128], 256), ([40, 128], 512), ([3, 0], 6)] {
            let k = xShape[xShape.count - 1]
            let x = TestInputs.uniform(xShape, in: -2...2, stream: 621)
            let w = TestInputs.uniform([k, n], in: -1...1, stream: 622)
            let b = TestInputs.uniform([n], in: -1...1, stream: 623)
            let fused = Self.valueAndGradients(
                { $0[0].denseProduct($0[1], bias: $0[2]) }, at: [x, w, b])
            let apart = Self.valueAndGradients(
                { ($0[0].rank > 2 ? $0[0].batchMatmul($0[1]) : $0[0].matmul($0[1])) + $0[2] },
                at: [x, w, b])
            #expect(fused.0.shape == xShape.dropLast() + [n])
            #expect(fused.0.floats == apart.0.floats, "values, \(xShape) x \(n)")
            for i in 0..<3 {
                #expect(fused.1[i].floats == apart.1[i].floats, "gradient \(i), \(xShape) x \(n)")
            }
            // Without a bias: the product's bits alone.
            let bare = Self.valueAndGradients({ $0[0].denseProduct($0[1], bias: nil) }, at: [x, w])
            let product = Self.valueAndGradients(
                { $0[0].rank > 2 ? $0[0].batchMatmul($0[1]) : $0[0].matmul($0[1]) }, at: [x, w])
            #expect(bare.0.floats == product.0.floats, "values without a bias, \(xShape) x \(n)")
            #expect(bare.1.map(\.floats) == product.1.map(\.floats), "gradients, \(xShape) x \(n)")
        }
    }

    @Test func dropoutEqualsPhiloxUniformMaskTimesInput() {
        // 4·k + 3 elements: whole Philox blocks and a partial last one; eight blocks at a time
        // and the blocks left over (151: 37 blocks and 3 elements; 70 001: parts over the
        // threads).
        for count in [1, 2, 3, 4, 103, 151, 70_001] {
            let x = TestInputs.uniform([count], in: -2...2, stream: 609)
            let rate: Float = 0.3
            let u = Philox(seed: 5, stream: 7).uniform(count: count)
            let expected = zip(x.floats, u).map { $0 * ($1 >= rate ? 1 / (1 - rate) : 0) }
            #expect(x.dropout(rate: rate, seed: 5, stream: 7).floats == expected)
            let p = Parameter(x, path: "x")
            let (_, grads) = Tape.valueWithGradients {
                p.read().dropout(rate: rate, seed: 5, stream: 7).sum()
            }
            #expect(grads[0].1.floats == u.map { $0 >= rate ? 1 / (1 - rate) : 0 })
        }
    }

    @Test func fusedPrimitivesTraceToTheCompositesOps() {
        // gamma and beta are arguments, as in a model, where they are variable reads made
        // before the call (a concrete tensor would become a `Const` at another position).
        let args = [
            TensorSpec(name: "x", dtype: .float32, shape: Shape([-1, 8])),
            TensorSpec(name: "gamma", dtype: .float32, shape: Shape([8])),
            TensorSpec(name: "beta", dtype: .float32, shape: Shape([8])),
        ]
        func ops(_ f: @escaping ([Tensor]) -> Tensor) -> [String] {
            Tracer.trace(arguments: args) { x in [("y", f(x))] }.nodes.map(\.op)
        }
        #expect(ops { $0[0].gelu() } == ops { $0[0].geluComposite() })
        #expect(
            ops { $0[0].layerNorm(gamma: $0[1], beta: $0[2], epsilon: 1e-3) }
                == ops { $0[0].layerNormComposite(gamma: $0[1], beta: $0[2], epsilon: 1e-3) })
        #expect(ops { $0[0].sumOfSquares() } == ops { $0[0].sumOfSquaresComposite() })
        #expect(ops { Tensor.reluOfSum($0[0], $0[0]) } == ops { ($0[0] + $0[0]).relu() })
        // A dense layer's product at rank 2 (x [?, 8] · [8, 8] + [8]) and rank 3 (the rows as
        // one MatMul, back to x's leading axes), with and without the bias.
        #expect(
            ops { $0[0].denseProduct($0[0], bias: $0[1]) } == ops { $0[0].matmul($0[0]) + $0[1] })
        #expect(ops { $0[0].denseProduct($0[0], bias: nil) } == ops { $0[0].matmul($0[0]) })
        #expect(
            ops { $0[0].expandingDims(at: 0).denseProduct($0[0], bias: $0[1]) }
                == ops {
                    let x = $0[0].expandingDims(at: 0)
                    return x.reshaped([-1, 8]).matmul($0[0])
                        .reshapingTrailing(keep: 2, to: [8], leadingOf: x) + $0[1]
                })
        #expect(
            ops { $0[0].expandingDims(at: 0).denseProduct($0[0], bias: $0[1]) }.contains(
                "BatchMatMulV2") == false)
    }

    /// The L2 penalty's `sumOfSquares` against `(x · x).sum()`: the sum to rounding (Double
    /// squares in blocks vs Float squares summed in one chain), the gradient bitwise, the traced
    /// ops the same.
    @Test func sumOfSquaresAgreesWithTheComposite() {
        let x = TestInputs.uniform([300, 101], in: -2...2, stream: 640)
        let (fy, fg) = Self.valueAndGradients({ $0[0].sumOfSquares() }, at: [x])
        let (cy, cg) = Self.valueAndGradients({ $0[0].sumOfSquaresComposite() }, at: [x])
        #expect(fy.shape == [])
        #expect(abs(fy.scalar - cy.scalar) <= 1e-6 * cy.scalar)
        #expect(fg[0].floats == cg[0].floats)
    }
}
