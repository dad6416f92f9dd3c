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
        isImproved(by: value, lowerIsBetter: Self.lowerIsBetter(metric))
    }

    /// `isImproved(by:)` with the metric's direction decided once by the caller: the name
    /// search goes through Foundation, a fifth of each of the mlp's evaluations (perf).
    func isImproved(by value: Float, lowerIsBetter: Bool) -> Bool {
        lowerIsBetter ? value < self.value : value > self.value
    }
}
