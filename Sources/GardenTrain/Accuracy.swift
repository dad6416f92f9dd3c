import GardenTensor

/// The fraction of rows whose largest logit is at the label (a plain value, not
/// differentiable): `logits [batch, classes]`, int32 `labels [batch]`.
public func accuracy(_ logits: Tensor, _ labels: Tensor) -> Tensor {
    let (b, c) = (logits.shape[0], logits.shape[1])
    let z = logits.floats, y = labels.int32s
    var hits = 0
    for i in 0..<b {
        var best = 0
        for j in 1..<c where z[i * c + j] > z[i * c + best] { best = j }
        if best == Int(y[i]) { hits += 1 }
    }
    return Tensor(Float(hits) / Float(max(b, 1)))
}

/// The weighted fraction of items whose largest logit is at the label (a plain value, not
/// differentiable): `logits [..., c]`, int32 `labels [...]`, float32 `weights [...]`.
public func weightedAccuracy(_ logits: Tensor, _ labels: Tensor, _ weights: Tensor) -> Tensor {
    let c = logits.shape.last ?? 1
    let z = logits.floats, y = labels.int32s, w = weights.floats
    var hits = 0.0, total = 0.0
    for i in 0..<y.count {
        var best = 0
        for j in 1..<c where z[i * c + j] > z[i * c + best] { best = j }
        if best == Int(y[i]) { hits += Double(w[i]) }
        total += Double(w[i])
    }
    return Tensor(Float(hits / max(total, 1e-5)))
}
