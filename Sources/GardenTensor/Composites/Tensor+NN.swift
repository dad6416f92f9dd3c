/// Neural-network functions composed from primitives (no kernels or vjps of their own: their
/// gradients and TF lowerings come from the primitives they call).
extension Tensor {
    /// Exact GELU, `0.5 · x · (1 + erf(x / √2))`, from primitives: the reference the fused `Gelu`
    /// primitive (`gelu()`) is tested against and lowers as. TF 2.21 has no `Gelu` op, so it lowers
    /// to `Mul`, `Erf`, `AddV2`.
    public func geluComposite() -> Tensor {
        self * 0.5 * (1 + (self * Float(0.7071067811865476)).erf())
    }

    /// A dense layer's `x · kernel (+ bias)` from primitives, as `DenseProduct` lowers: at rank 2
    /// one `MatMul`; above, the rows as one `[rows, k]` `MatMul` and a reshape back to x's
    /// leading axes read at run time (batch and sequence may be unknown), which TensorFlow
    /// (oneDNN) ran for BERT-base in 58 ms a call against 77-81 ms as a `BatchMatMulV2`
    /// broadcasting the kernel (docs/performance.md, thirteenth pass); then the bias.
    ///
    /// Shapes: `self [..., k]`, `kernel [k, n]`, `bias [n]` → `[..., n]`.
    public func denseProductComposite(_ kernel: Tensor, bias: Tensor?) -> Tensor {
        let product =
            rank == 2
            ? matmul(kernel)
            : reshaped([-1, kernel.shape[0]]).matmul(kernel)
                .reshapingTrailing(keep: rank - 1, to: [kernel.shape[1]], leadingOf: self)
        return bias.map { product + $0 } ?? product
    }

    /// Layer normalization over the last axis: `(x - mean) · rsqrt(variance + epsilon) · gamma
    /// + beta`, with the biased variance (as Keras and BERT), from primitives: the reference the
    /// fused `LayerNorm` primitive (`layerNorm(...)`) is tested against and lowers as.
    ///
    /// Shapes: `self [..., h]`, `gamma [h]`, `beta [h]` → `[..., h]`.
    public func layerNormComposite(gamma: Tensor, beta: Tensor, epsilon: Float) -> Tensor {
        let mean = self.mean(axes: [-1], keepDims: true)
        let centered = self - mean
        let variance = (centered * centered).mean(axes: [-1], keepDims: true)
        return centered * (variance + epsilon).rsqrt() * gamma + beta
    }

    /// The weighted mean softmax cross-entropy of these logits against int32 `labels`:
    /// `Σ w·xent / (Σ w + 1e-5)` (BERT's masked-LM loss; padded predictions have weight 0, and
    /// the 1e-5 keeps an all-padding batch finite).
    ///
    /// Shapes: `self [..., c]`, `labels [...]` (int32), `weights [...]` (float32) → scalar.
    public func softmaxCrossEntropy(labels: Tensor, weights: Tensor) -> Tensor {
        let classes = shape.last ?? 1
        let perItem = reshaped([-1, classes]).softmaxCrossEntropy(labels: labels.reshaped([-1]))
        let w = weights.reshaped([-1])
        return (perItem * w).sum() / (w.sum() + Float(1e-5))
    }
}
