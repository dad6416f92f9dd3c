/// Batch normalization of an NHWC tensor over its channel (last) axis.
///
/// Shapes: `x [n, h, w, c]`, `scale`, `offset`, `mean`, `variance` all `[c]` → `[n, h, w, c]`.
/// - Inference form (`training == false`): normalizes with the given (moving) `mean` and
///   `variance`.
/// - Training form: normalizes with the batch's own biased mean and variance over `n, h, w`;
///   `mean` and `variance` are ignored (TensorFlow still requires them as inputs), and gradients
///   flow through the batch statistics.
///
/// vjp: the closed forms. Training: a fused kernel (`BatchNormKernels.trainingGradient`, two
/// passes with the forward's statistics, no temporaries) that is bitwise the closed form written with `Mean`/`Sum`/`Mul`/...
/// primitives (`FusedPrimitiveTests`), with `1 / sqrt(v + eps)` as `exp(-log(v + eps) / 2)`;
/// inference: written with those primitives. TF: `FusedBatchNormV3` (T float, U float,
/// `epsilon`, and `is_training` always written, since its default is true; output `y`, with
/// `batch_mean` and `batch_variance` as outputs 1 and 2).
struct BatchNorm: Primitive {
    var training: Bool
    var epsilon: Float
    /// The batch's statistics when the caller already has them (eager training, which also
    /// reports them), so neither the forward nor the vjp computes them a second time.
    var batchMoments: BatchNormKernels.Moments? = nil
    var name: String { training ? "batch_norm_training" : "batch_norm" }

    static let reducedAxes = [0, 1, 2]

    func outputType(_ t: [TensorType]) -> TensorType {
        precondition(
            t.allSatisfy { $0.dtype == .float32 },
            "\(name): expects float32, got \(t.map(\.dtype))")
        guard let x = t[0].shape.dims, x.count == 4 else {
            preconditionFailure("\(name): input must be NHWC rank 4, got \(t[0].shape)")
        }
        for (k, label) in [(1, "scale"), (2, "offset"), (3, "mean"), (4, "variance")] {
            guard let d = t[k].shape.dims, d.count == 1, d[0] < 0 || x[3] < 0 || d[0] == x[3]
            else {
                preconditionFailure(
                    "\(name): \(label) \(t[k].shape) does not match the "
                        + "channels of \(t[0].shape)")
            }
        }
        return t[0]
    }

    func forward(_ x: [Tensor]) -> Tensor {
        _ = outputType(x.map { TensorType($0.dtype, $0.symbolicShape) })
        let c = x[0].shape[3]
        let moments =
            training ? batchMoments ?? BatchNormKernels.moments(x[0].floats, channels: c) : nil
        let (mean, variance) =
            moments.map { ($0.mean, $0.variance) } ?? (x[3].floats, x[4].floats)
        let y = BatchNormKernels.normalize(
            x[0].floats, mean: mean, variance: variance,
            scale: x[1].floats, offset: x[2].floats,
            epsilon: epsilon)
        return Tensor(y, shape: x[0].shape)
    }

    /// `1 / sqrt(v + epsilon)` from primitives.
    func inverseStd(_ v: Tensor) -> Tensor { ((v + epsilon).log() * -0.5).exp() }

    var vjpReadsOutput: Bool { false }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        let (input, scale) = (x[0], x[1])
        if training {
            // With xhat = (x - mu) / sigma over m = n*h*w values per channel:
            // dx = scale / (m sigma) * (m g - sum(g) - xhat * sum(g xhat)).
            let moments =
                batchMoments ?? BatchNormKernels.moments(input.floats, channels: scale.count)
            let r = BatchNormKernels.trainingGradient(
                input.floats, g.floats, scale: scale.floats, epsilon: epsilon, moments: moments)
            return [
                Tensor(r.dx, shape: input.shape), Tensor(r.dScale, shape: scale.shape),
                Tensor(r.dOffset, shape: scale.shape), nil, nil,
            ]
        }
        let gSum = g.sum(axes: Self.reducedAxes)
        let (mean, variance) = (x[3], x[4])
        let inv = inverseStd(variance)
        let gCentered = (g * (input - mean)).sum(axes: Self.reducedAxes)
        let scaleInv = scale * inv
        return [
            g * scaleInv,
            gCentered * inv,
            gSum,
            -(gSum * scaleInv),
            // d/dv of (v + eps)^(-1/2) is -(v + eps)^(-3/2) / 2.
            gCentered * scaleInv * (inv * inv) * -0.5,
        ]
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        let id = tr.addNode(
            "FusedBatchNormV3", inputs: x,
            attrs: [
                "T": .type(.float32), "U": .type(.float32), "epsilon": .float(epsilon),
                "is_training": .bool(training),
            ])
        return .output(node: id, outputArg: "y", index: 0)
    }
}

extension Tensor {
    /// Batch normalization with fixed statistics (inference): per channel of this NHWC tensor,
    /// `(x - mean) * scale / sqrt(variance + epsilon) + offset`.
    ///
    /// Shapes: `[n, h, w, c]` and four `[c]` vectors → `[n, h, w, c]`.
    public func batchNorm(
        scale: Tensor, offset: Tensor, mean: Tensor, variance: Tensor,
        epsilon: Float
    ) -> Tensor {
        apply(BatchNorm(training: false, epsilon: epsilon), [self, scale, offset, mean, variance])
    }

    /// Batch normalization with this batch's statistics (training).
    ///
    /// Shapes: `[n, h, w, c]` and four `[c]` vectors → `output [n, h, w, c]`, `batchMean [c]`,
    /// `batchVariance [c]`. `mean` and `variance` (the moving statistics) are not used for the
    /// output but are inputs of TensorFlow's op.
    ///
    /// `output` normalizes with the biased variance, and gradients flow through the batch
    /// statistics. `batchMean` and `batchVariance` carry no gradient; `batchVariance` is the
    /// UNBIASED (Bessel-corrected, `m / (m - 1)` for `m = n*h*w > 1`) variance, because that is
    /// what `FusedBatchNormV3` returns as `batch_variance` in training mode and what TensorFlow
    /// and Keras feed into the moving average. Using it here keeps Swift training and the
    /// exported `training=True` function updating the moving variance identically. In a trace
    /// they are the `batch_mean` and `batch_variance` outputs of the same `FusedBatchNormV3`.
    public func batchNormTraining(
        scale: Tensor, offset: Tensor, mean: Tensor, variance: Tensor, epsilon: Float
    ) -> (output: Tensor, batchMean: Tensor, batchVariance: Tensor) {
        // Eager: the moments once, for the output, the gradient and the moving averages.
        // (A wrong input falls through to the shape rule's message.)
        let concrete = !isSymbolic && dtype == .float32 && rank == 4
        let moments = concrete ? BatchNormKernels.moments(floats, channels: shape[3]) : nil
        let y = apply(
            BatchNorm(training: true, epsilon: epsilon, batchMoments: moments),
            [self, scale, offset, mean, variance])
        let c = y.symbolicShape.dims?[3] ?? -1
        if case .symbolic(let s) = y.storage, case .output(let node, _, _) = s.ref {
            func output(_ arg: String) -> Tensor {
                Tensor(
                    symbolic: SymbolicValue(
                        tracer: s.tracer,
                        ref: .output(node: node, outputArg: arg, index: 0)),
                    dtype: .float32, shape: Shape([c]))
            }
            return (y, output("batch_mean"), output("batch_variance"))
        }
        let batch = moments ?? BatchNormKernels.moments(floats, channels: shape[3])
        let (m, v) = (batch.mean, batch.variance)
        let count = count / max(shape[3], 1)
        let bessel = count > 1 ? Float(count) / Float(count - 1) : 1
        return (y, Tensor(m, shape: [c]), Tensor(v.map { $0 * bessel }, shape: [c]))
    }
}
