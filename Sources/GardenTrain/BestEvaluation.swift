/// The best evaluation of a run so far: which metric, at which step, and its value.
public struct BestEvaluation: Equatable, Sendable {
    public var metric: String
    public var step: Int
    public var value: Float

    public init(metric: String, step: Int, value: Float) {
        self.metric = metric; self.step = step; self.value = value
    }

    /// Whether lower values of `metric` are better: names containing `loss` or `error` are
    /// minimized, every other metric (accuracy, ...) is maximized.
    public static func lowerIsBetter(_ metric: String) -> Bool {
        metric.contains("loss") || metric.contains("error")
    }

    /// Whether `value` improves on `self` (a tie keeps the earlier step).
    public func isImproved(by value: Float) -> Bool {
        Self.lowerIsBetter(metric) ? value < self.value : value > self.value
    }
}
