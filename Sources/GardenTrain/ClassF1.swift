import GardenTensor

/// Per-class F1 of a classifier over a whole evaluation set: each batch contributes counts
/// (`counts(_:_:classes:)`: true positives, false positives and false negatives of each class,
/// the predicted class being the largest logit), and F1 is computed once from their sums, so it
/// is the F1 of the whole set, not a mean of batch values.
public enum ClassF1 {
    /// The metric name of class `i`'s F1.
    public static func name(_ i: Int) -> String { "f1_\(i)" }

    /// The metric names for `classes` classes, sorted as metric names are.
    public static func names(classes: Int) -> [String] { (0..<classes).map(name).sorted() }

    /// `tp_i`, `fp_i` and `fn_i` of every class `i` for `logits [rows, classes]` and int32
    /// `labels [rows]`.
    public static func counts(_ logits: Tensor, _ labels: Tensor, classes: Int) -> [String: Double]
    {
        let z = logits.floats, y = labels.int32s
        var tp = [Double](repeating: 0, count: classes)
        var fp = tp, fn = tp
        for i in 0..<y.count {
            var best = 0
            for j in 1..<classes where z[i * classes + j] > z[i * classes + best] { best = j }
            let label = Int(y[i])
            if best == label {
                tp[best] += 1
            } else {
                fp[best] += 1
                if (0..<classes).contains(label) { fn[label] += 1 }
            }
        }
        var out: [String: Double] = [:]
        for c in 0..<classes {
            out["tp_\(c)"] = tp[c]; out["fp_\(c)"] = fp[c]; out["fn_\(c)"] = fn[c]
        }
        return out
    }

    /// `f1_i = 2 tp / (2 tp + fp + fn)` of every class from summed counts; 0 for a class
    /// never labelled nor predicted (scikit-learn's `zero_division=0`).
    public static func scores(_ counts: [String: Double], classes: Int) -> [String: Float] {
        var out: [String: Float] = [:]
        for c in 0..<classes {
            let tp = counts["tp_\(c)"] ?? 0
            let denominator = 2 * tp + (counts["fp_\(c)"] ?? 0) + (counts["fn_\(c)"] ?? 0)
            out[name(c)] = denominator > 0 ? Float(2 * tp / denominator) : 0
        }
        return out
    }
}
