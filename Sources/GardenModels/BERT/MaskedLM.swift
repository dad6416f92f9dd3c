import GardenNN
import GardenTensor

/// BERT's masked-language-model head (Model Garden's `layers.MaskedLM`): a dense transform with
/// an activation (GELU: the encoder's, as Model Garden's `mlm_activation`), layer normalization, and an output projection TIED to the word embeddings.
///
/// Input shape: `sequence [batch, seq, hidden]` and optionally int32 `positions [batch, P]`
/// (the masked positions to predict; nil predicts every position). Output shape:
/// `[batch, P, vocab]` logits (`[batch, seq, vocab]` without positions), never probabilities.
/// Parameters: `transform/{kernel,bias}`, `layer_norm/{gamma,beta}`, `output_bias/bias [vocab]`.
/// The embedding table `[vocab, hidden]` is the encoder's Parameter itself (same identity, so
/// training adds this head's gradient to the lookup's); it is listed in the encoder's tree,
/// not in this head's, so a checkpoint holds it once.
public final class MaskedLM: Module {
    public let transform: Dense
    public let layerNorm: LayerNorm
    public let outputBias: Parameter
    /// The tied word-embedding table, owned by the encoder.
    public let embeddings: Parameter

    /// - Parameters:
    ///   - name: the local name under the pretrainer.
    ///   - embeddings: the encoder's word-embedding parameter `[vocab, hidden]`.
    ///   - activation: the transform's activation (the encoder's `hidden_activation`).
    ///   - initializerRange: standard deviation of the truncated-normal transform kernel.
    ///   - kernelRegularizer: the penalty on the transform kernel.
    public init(
        name: String = "masked_lm", embeddings: Parameter,
        activation: Dense.Activation = .geluExact, initializerRange: Float,
        kernelRegularizer: Regularizer? = nil
    ) {
        let (vocab, hidden) = (embeddings.value.shape[0], embeddings.value.shape[1])
        self.embeddings = embeddings
        transform = Dense(
            name: "transform", inputSize: hidden, units: hidden, activation: activation,
            kernelRegularizer: kernelRegularizer,
            kernelInitialization: .truncatedNormal(stddev: initializerRange))
        layerNorm = LayerNorm(name: "layer_norm", width: hidden)
        let biasModule = Module(name: "output_bias")
        outputBias = biasModule.addParameter("bias", shape: [vocab], initialization: .zeros)
        super.init(name: name)
        addModule(transform)
        addModule(layerNorm)
        addModule(biasModule)
    }

    /// Logits over the vocabulary at `positions` of `sequence` (every position when nil).
    public func callAsFunction(_ sequence: Tensor, positions: Tensor? = nil) -> Tensor {
        let picked = positions.map { sequence.batchGather($0) } ?? sequence
        let h = layerNorm(transform(picked))
        // h · Eᵀ: `adjY` reads the table as stored, without a transposed copy.
        return h.batchMatmul(embeddings.read(), adjY: true) + outputBias.read()
    }
}
