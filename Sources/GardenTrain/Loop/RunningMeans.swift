import Foundation

/// The means of the loss and of each metric over the steps since the last log line (or the
/// last checkpoint), and the training speed over the same steps.
struct RunningMeans {
    private var lossSum = 0.0
    private var count = 0
    private var metricSums: [String: Double] = [:]
    /// Where the speed is measured from: the last log line, or the resumed step.
    private var since: (step: Int, time: Date)

    init(start: Int) { since = (start, Date()) }

    mutating func add(_ record: StepRecord) {
        lossSum += Double(record.loss); count += 1
        // In the dictionary's order, which varies between processes: each name has a sum of
        // its own, added to in step order whatever the order of the names.
        for (name, value) in record.metrics {
            metricSums[name, default: 0] += Double(value)
        }
    }

    /// The means at `record`'s step; starts a new window.
    mutating func take(at record: StepRecord) -> LoggedMeans {
        let n = Double(count)
        let seconds = Date().timeIntervalSince(since.time)
        let means = LoggedMeans(
            step: record.step, loss: Float(lossSum / n),
            metrics: metricSums.mapValues { Float($0 / n) }, learningRate: record.learningRate,
            stepsPerSecond: Float(Double(record.step - since.step) / max(seconds, 1e-9)))
        reset()
        since = (record.step, Date())
        return means
    }

    /// Empties the window (the speed keeps its start).
    mutating func reset() { (lossSum, count, metricSums) = (0, 0, [:]) }
}

/// The running means a log line reports (see `TrainingObserver.logged`).
public struct LoggedMeans: Equatable, Sendable {
    public var step: Int
    public var loss: Float
    public var metrics: [String: Float]
    /// The learning rate of the last step of the window.
    public var learningRate: Float
    public var stepsPerSecond: Float
}
