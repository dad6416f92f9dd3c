/// Per-example softmax cross-entropy from logits and integer class labels.
///
/// Shapes: `logits [b, c]` (float32), `labels [b]` (int32) → `[b]`. The kernel uses the
/// max-shifted log-sum-exp, so large logits do not overflow. TF:
/// `SparseSoftmaxCrossEntropyWithLogits` (output `loss`).
struct SparseSoftmaxCrossEntropy: Primitive {
    var name: String { "sparse_softmax_cross_entropy" }

    func outputType(_ t: [TensorType]) -> TensorType {
        precondition(
            t[0].dtype == .float32 && t[1].dtype == .int32,
            "\(name): expects float32 logits and int32 labels, got \(t[0].dtype), \(t[1].dtype)")
        guard let l = t[0].shape.dims, l.count == 2 else {
            preconditionFailure("\(name): logits must be rank 2, got \(t[0].shape)")
        }
        return TensorType(.float32, Shape([l[0]]))
    }

    /// Row-wise softmax probabilities and losses.
    func softmaxAndLoss(_ logits: [Float], _ labels: [Int32], b: Int, c: Int) -> ([Float], [Float])
    {
        var probs = [Float](repeating: 0, count: b * c)
        var loss = [Float](repeating: 0, count: b)
        logits.withUnsafeBufferPointer { z in
            probs.withUnsafeMutableBufferPointer { p in
                guard let out = p.baseAddress else { return }
                for i in 0..<b {
                    let row = i * c
                    let (m, s) = softmaxRowExponentials(z, base: row, count: c, into: out)
                    for j in 0..<c { out[row + j] /= s }
                    let y = Int(labels[i])
                    precondition(y >= 0 && y < c, "\(name): label \(y) out of range [0, \(c))")
                    loss[i] = _logf(s) + m - z[row + y]
                }
            }
        }
        return (probs, loss)
    }

    func forward(_ x: [Tensor]) -> Tensor {
        let (b, c) = (x[0].shape[0], x[0].shape[1])
        return Tensor(softmaxAndLoss(x[0].floats, x[1].int32s, b: b, c: c).1, shape: [b])
    }

    var vjpReadsOutput: Bool { false }

    func vjp(_ x: [Tensor], _ y: Tensor, _ g: Tensor) -> [Tensor?] {
        let (b, c) = (x[0].shape[0], x[0].shape[1])
        var (p, _) = softmaxAndLoss(x[0].floats, x[1].int32s, b: b, c: c)
        let labels = x[1].int32s
        for i in 0..<b { p[i * c + Int(labels[i])] -= 1 }
        // (softmax - onehot) scaled by each example's incoming gradient.
        return [Tensor(p, shape: [b, c]) * g.reshaped([b, 1]), nil]
    }

    func lower(_ tr: Tracer, _ x: [GraphRef], _ t: [TensorType]) -> GraphRef {
        let id = tr.addNode(
            "SparseSoftmaxCrossEntropyWithLogits", inputs: x,
            attrs: ["T": .type(.float32), "Tlabels": .type(.int32)])
        return .output(node: id, outputArg: "loss", index: 0)
    }
}

extension Tensor {
    /// Per-example cross-entropy of these logits `[b, c]` against int32 `labels [b]`.
    public func softmaxCrossEntropy(labels: Tensor) -> Tensor {
        apply(SparseSoftmaxCrossEntropy(), [self, labels])
    }
}
