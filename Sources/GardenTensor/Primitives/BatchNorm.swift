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
/// passes with the forward's statistics, no temporaries) that is bitwise the closed form written
/// with `Mean`/`Sum`/`Mul`/... primitives up to `BatchNormKernels.blockRows` rows
/// (`FusedPrimitiveTests`; beyond, its sums go by blocks of rows), with `1 / sqrt(v + eps)` as
/// `exp(-log(v + eps) / 2)`;
/// inference: written with those primitives. With `relu`, ReLU follows in the same kernels (its
/// mask recomputed from `x` in the vjp, as the forward computed it). TF: `FusedBatchNormV3` (T
/// float, U float, `epsilon`, and `is_training` always written, since its default is true;
/// output `y`, with `batch_mean` and `batch_variance` as outputs 1 and 2), then `Relu` with
/// `relu`.
struct BatchNorm: Primitive {
    var training: Bool
    var epsilon: Float
    /// The batch's statistics when the caller already has them (eager training, which also
    /// reports them), so neither the forward nor the vjp computes them a second time.
    var batchMoments: BatchNormKernels.Moments? = nil
    /// A ReLU after the normalization, in its kernels: one pass fewer over the activations
    /// each way, and no array between the two, with ReLU's bits.
    var relu = false
    var name: String { (training ? "batch_norm_training" : "batch_norm") + (relu ? "_relu" : "") }

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
        let affine = affine(x, training ? moments(x) : nil)
        return Tensor(
            BatchNormKernels.normalize(x[0].floats, affine, relu: relu), shape: x[0].shape)
    }

    /// The batch's statistics in training (computed here if the caller has none).
    private func moments(_ x: [Tensor]) -> BatchNormKernels.Moments {
        batchMoments ?? BatchNormKernels.moments(x[0].floats, channels: x[1].count)
    }

    /// The output's per-channel multiply-add, from the batch's statistics (training) or the
    /// given ones (`batch` nil).
    private func affine(_ x: [Tensor], _ batch: BatchNormKernels.Moments?)
        -> BatchNormKernels.Affine
    {
        BatchNormKernels.Affine(
            mean: batch?.mean ?? x[3].floats, variance: batch?.variance ?? x[4].floats,
            scale: x[1].floats, offset: x[2].floats, epsilon: epsilon)
    }

    /// `1 / sqrt(v + epsilon)` from primitives.
    func inverseStd(_ v: Tensor) -> Tensor { ((v + epsilon).log() * -0.5).exp() }

    var vjpReadsOutput: Bool { false }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        let (input, scale) = (x[0], x[1])
        if training {
            // With xhat = (x - mu) / sigma over m = n*h*w values per channel:
            // dx = scale / (m sigma) * (m g - sum(g) - xhat * sum(g xhat)).
            let batch = moments(x)
            let r = BatchNormKernels.trainingGradient(
                input.floats, g.floats, scale: scale.floats, epsilon: epsilon,
                moments: batch, relu: relu ? affine(x, batch) : nil)
            return [
                Tensor(r.dx, shape: input.shape), Tensor(r.dScale, shape: scale.shape),
                Tensor(r.dOffset, shape: scale.shape), nil, nil,
            ]
        }
        // The fused ReLU's vjp at the normalized output, which the forward did not keep.
        let g =
            relu
            ? Tensor(BatchNormKernels.normalize(input.floats, affine(x, nil)), shape: g.shape)
                .mapElements(with: g, Relu.Backward.self)
            : g
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
        let y = GraphRef.output(node: id, outputArg: "y", index: 0)
        guard relu else { return y }
        return Relu().lower(tr, [y], [t[0]])
    }
}

extension Tensor {
    /// Batch normalization with fixed statistics (inference): per channel of this NHWC tensor,
    /// `(x - mean) * scale / sqrt(variance + epsilon) + offset`.
    ///
    /// Shapes: `[n, h, w, c]` and four `[c]` vectors → `[n, h, w, c]`. With `relu`, `.relu()` of
    /// that, in the normalization's kernels (the same values, one pass fewer each way).
    public func batchNorm(
        scale: Tensor, offset: Tensor, mean: Tensor, variance: Tensor,
        epsilon: Float, relu: Bool = false
    ) -> Tensor {
        apply(
            BatchNorm(training: false, epsilon: epsilon, relu: relu),
            [self, scale, offset, mean, variance])
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
    /// With `relu`, `output` is `.relu()` of the normalized batch, in the normalization's
    /// kernels (the same values, one pass fewer each way).
    public func batchNormTraining(
        scale: Tensor, offset: Tensor, mean: Tensor, variance: Tensor, epsilon: Float,
        relu: Bool = false
    ) -> (output: Tensor, batchMean: Tensor, batchVariance: Tensor) {
        // Eager: the moments once, for the output, the gradient and the moving averages.
        // (A wrong input falls through to the shape rule's message.)
        let concrete = !isSymbolic && dtype == .float32 && rank == 4
        let moments = concrete ? BatchNormKernels.moments(floats, channels: shape[3]) : nil
        // Traced, the ReLU is its own op after the one whose batch statistics are read below.
        let normalized = apply(
            BatchNorm(
                training: true, epsilon: epsilon, batchMoments: moments, relu: relu && concrete),
            [self, scale, offset, mean, variance])
        let y = relu && !concrete ? normalized.relu() : normalized
        let c = y.symbolicShape.dims?[3] ?? -1
        if case .symbolic(let s) = normalized.storage, case .output(let node, _, _) = s.ref {
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
