import GardenTensor

/// Batch normalization over the channel axis of NHWC images, as Keras' `BatchNormalization`
/// (axis -1, center and scale).
///
/// Input shape: `[batch, height, width, channels]`. Output shape: the same.
/// Parameters: `gamma [channels]` (ones) and `beta [channels]` (zeros), trainable;
/// `moving_mean [channels]` (zeros) and `moving_variance [channels]` (ones), NOT trainable.
///
/// Training (`ctx.training`): normalizes with the batch's mean and biased variance, gradients
/// flowing through them, and moves the statistics at once:
/// `moving = moving - (moving - batch) * (1 - momentum)`, with the UNBIASED batch variance for
/// `moving_variance`, as TensorFlow's `FusedBatchNormV3` and Keras do. Traced for training, the
/// same update becomes `AssignSubVariableOp`s wired as control outputs. Inference: normalizes
/// with the moving statistics and changes nothing. A frozen batch norm (`Module.freeze`) runs
/// in inference mode even in training, as Keras' `BatchNormalization` with `trainable=False`.
public final class BatchNorm: Module {
    public let gamma: Parameter
    public let beta: Parameter
    public let movingMean: Parameter
    public let movingVariance: Parameter
    /// The weight of the old moving value per training step (Keras' default 0.99).
    public let momentum: Float
    /// Added to the variance before the square root (Keras' default 1e-3).
    public let epsilon: Float

    public init(
        name: String = "bn", channels: Int, momentum: Float = 0.99,
        epsilon: Float = 1e-3
    ) {
        self.momentum = momentum
        self.epsilon = epsilon
        gamma = Module.parameter([channels])
        beta = Module.parameter([channels])
        movingMean = Module.parameter([channels], trainable: false)
        movingVariance = Module.parameter([channels], trainable: false)
        super.init(name: name)
        addParameter("gamma", gamma, initialization: .ones)
        addParameter("beta", beta, initialization: .zeros)
        addParameter("moving_mean", movingMean, initialization: .zeros)
        addParameter("moving_variance", movingVariance, initialization: .ones)
    }

    /// Normalizes `x`; in training mode also updates the moving statistics. With `relu`, returns
    /// `.relu()` of that, computed by the normalization's kernels (the same values and
    /// gradients, one pass fewer over the activations each way).
    public func callAsFunction(_ x: Tensor, _ ctx: ForwardContext, relu: Bool = false) -> Tensor {
        guard ctx.training && !isFrozen else {
            return x.batchNorm(
                scale: gamma.read(), offset: beta.read(),
                mean: movingMean.read(), variance: movingVariance.read(),
                epsilon: epsilon, relu: relu)
        }
        let r = x.batchNormTraining(
            scale: gamma.read(), offset: beta.read(),
            mean: movingMean.read(), variance: movingVariance.read(),
            epsilon: epsilon, relu: relu)
        movingMean.assignMovingAverage(r.batchMean, momentum: momentum)
        movingVariance.assignMovingAverage(r.batchVariance, momentum: momentum)
        return r.output
    }
}
