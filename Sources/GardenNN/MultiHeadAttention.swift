import GardenTensor

/// Multi-head scaled dot-product self-attention (Vaswani et al., 2017), as BERT uses it.
///
/// Input shape: `x [batch, seq, hidden]` and an additive `attentionBias [batch, 1, 1, seq]`
/// (0 where a key may be attended, -10000 where not; see `attentionBias(mask:)`).
/// Output shape: `[batch, seq, hidden]`.
/// Parameters: `query`, `key`, `value`, `attention_output`, each `kernel [hidden, hidden]` and
/// `bias [hidden]`; head `h` uses columns `h·headSize ..< (h+1)·headSize` of the projections.
public final class MultiHeadAttention: Module {
    public let numHeads: Int
    public let headSize: Int
    public let query: Dense
    public let key: Dense
    public let value: Dense
    public let attentionOutput: Dense
    public let attentionDropout: Dropout

    /// - Parameters:
    ///   - name: the local name.
    ///   - hiddenSize: the width of the input and output.
    ///   - numHeads: attention heads; must divide `hiddenSize`.
    ///   - dropoutRate: dropout on the attention probabilities (training only).
    ///   - initializerRange: standard deviation of the truncated-normal kernels.
    ///   - kernelRegularizer: the penalty on the four projection kernels.
    public init(
        name: String = "self_attention", hiddenSize: Int,
        numHeads: Int, dropoutRate: Float, initializerRange: Float,
        kernelRegularizer: Regularizer? = nil
    ) {
        precondition(
            numHeads > 0 && hiddenSize % numHeads == 0,
            "MultiHeadAttention: hidden size \(hiddenSize) is not a multiple of \(numHeads) heads")
        self.numHeads = numHeads
        headSize = hiddenSize / numHeads
        func projection(_ n: String) -> Dense {
            Dense(
                name: n, inputSize: hiddenSize, units: hiddenSize,
                kernelRegularizer: kernelRegularizer,
                kernelInitialization: .truncatedNormal(stddev: initializerRange))
        }
        query = projection("query")
        key = projection("key")
        value = projection("value")
        attentionOutput = projection("attention_output")
        attentionDropout = Dropout(name: "attention_dropout", rate: dropoutRate, role: .attention)
        super.init(name: name)
        for m in [query, key, value, attentionOutput] { addModule(m) }
        addModule(attentionDropout)
    }

    /// The additive attention bias `(1 - mask) · -10000` of an int32 `mask [batch, seq]`
    /// (1 = real token, 0 = padding), shaped `[batch, 1, 1, seq]` to broadcast over heads and
    /// query positions. Stays dynamic in traces (`Cast`, `ExpandDims`).
    public static func attentionBias(mask: Tensor) -> Tensor {
        let m = mask.cast(to: .float32).expandingDims(at: 1).expandingDims(at: 1)
        return (1 - m) * Float(-10000)
    }

    /// `[batch, seq, hidden]` → `[batch, heads, seq, headSize]`.
    func splitHeads(_ x: Tensor) -> Tensor {
        x.reshapingTrailing(keep: 2, to: [numHeads, headSize]).transposed([0, 2, 1, 3])
    }

    /// Self-attention of `x` under `attentionBias` (nil: every position sees every other).
    public func callAsFunction(_ x: Tensor, attentionBias: Tensor?, _ ctx: ForwardContext) -> Tensor
    {
        // Scaling q before the product is cheaper than scaling the [seq, seq] scores.
        let q = splitHeads(query(x)) * (1 / Float(headSize).squareRoot())
        let k = splitHeads(key(x))
        let v = splitHeads(value(x))
        var scores = q.batchMatmul(k, adjY: true)
        if let attentionBias { scores = scores + attentionBias }
        let probabilities = attentionDropout(scores.softmax(), ctx)
        let context = probabilities.batchMatmul(v).transposed([0, 2, 1, 3])
        return attentionOutput(context.reshapingTrailing(keep: 2, to: [numHeads * headSize]))
    }
}
