import GardenTensor

/// One post-layer-norm Transformer encoder block, as BERT's (Model Garden's
/// `TransformerEncoderBlock` with `norm_first=False`):
/// `x₁ = LN(x + Dropout(Attention(x)))`, `y = LN(x₁ + Dropout(Dense(GELU(Dense(x₁)))))`, GELU
/// being the `activation` of the `intermediate` layer (exact erf form by default).
///
/// Input shape: `x [batch, seq, hidden]` and an additive `attentionBias [batch, 1, 1, seq]`.
/// Output shape: `[batch, seq, hidden]`.
/// Parameters: `self_attention/{query,key,value,attention_output}/{kernel,bias}`,
/// `self_attention_layer_norm/{gamma,beta}`, `intermediate/{kernel,bias}`
/// (`[hidden, intermediateSize]`), `output/{kernel,bias}`, `output_layer_norm/{gamma,beta}`.
public final class TransformerEncoderBlock: Module {
    public let selfAttention: MultiHeadAttention
    public let selfAttentionLayerNorm: LayerNorm
    public let intermediate: Dense
    public let output: Dense
    public let outputLayerNorm: LayerNorm
    public let attentionOutputDropout: Dropout
    public let outputDropout: Dropout

    /// - Parameters:
    ///   - name: the local name (`layer_0`, ...).
    ///   - hiddenSize: the width of the input and output.
    ///   - numAttentionHeads: attention heads; must divide `hiddenSize`.
    ///   - intermediateSize: the width of the feed-forward layer.
    ///   - activation: the feed-forward activation (BERT's `hidden_activation`).
    ///   - dropoutRate: dropout on the attention and feed-forward outputs (training only).
    ///   - attentionDropoutRate: dropout on the attention probabilities (training only).
    ///   - initializerRange: standard deviation of the truncated-normal kernels.
    ///   - kernelRegularizer: the penalty on every dense kernel of the block.
    public init(
        name: String, hiddenSize: Int, numAttentionHeads: Int,
        intermediateSize: Int, activation: Dense.Activation = .geluExact,
        dropoutRate: Float, attentionDropoutRate: Float,
        initializerRange: Float, kernelRegularizer: Regularizer? = nil
    ) {
        let kernels = Initialization.truncatedNormal(stddev: initializerRange)
        selfAttention = MultiHeadAttention(
            hiddenSize: hiddenSize, numHeads: numAttentionHeads,
            dropoutRate: attentionDropoutRate, initializerRange: initializerRange,
            kernelRegularizer: kernelRegularizer)
        selfAttentionLayerNorm = LayerNorm(name: "self_attention_layer_norm", width: hiddenSize)
        intermediate = Dense(
            name: "intermediate", inputSize: hiddenSize, units: intermediateSize,
            activation: activation, kernelRegularizer: kernelRegularizer,
            kernelInitialization: kernels)
        output = Dense(
            name: "output", inputSize: intermediateSize, units: hiddenSize,
            kernelRegularizer: kernelRegularizer, kernelInitialization: kernels)
        outputLayerNorm = LayerNorm(name: "output_layer_norm", width: hiddenSize)
        attentionOutputDropout = Dropout(name: "attention_output_dropout", rate: dropoutRate)
        outputDropout = Dropout(name: "output_dropout", rate: dropoutRate)
        super.init(name: name)
        addModule(selfAttention)
        addModule(selfAttentionLayerNorm)
        addModule(intermediate)
        addModule(output)
        addModule(outputLayerNorm)
        addModule(attentionOutputDropout)
        addModule(outputDropout)
    }

    /// Applies the block.
    public func callAsFunction(_ x: Tensor, attentionBias: Tensor?, _ ctx: ForwardContext) -> Tensor
    {
        let attended = attentionOutputDropout(
            selfAttention(x, attentionBias: attentionBias, ctx), ctx)
        let h = selfAttentionLayerNorm(x + attended)
        let ffn = outputDropout(output(intermediate(h)), ctx)
        return outputLayerNorm(h + ffn)
    }
}
