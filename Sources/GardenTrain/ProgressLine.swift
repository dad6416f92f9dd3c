import Foundation

/// The progress display: an updating line (step, loss, lr, steps/s, ETA) on a terminal, plain
/// log lines otherwise (CI logs, pipes); evaluations as log lines of their own.
final class ProgressLine: TrainingObserver {
    let total: Int
    let start: Int
    let began = Date()
    let isTerminal = isatty(STDERR_FILENO) != 0
    let log: (String) -> Void
    private var wroteLine = false

    init(total: Int, start: Int, log: @escaping (String) -> Void) {
        self.total = total; self.start = start; self.log = log
    }

    func logged(_ means: LoggedMeans) {
        update(
            step: means.step, loss: means.loss, lr: means.learningRate, metrics: means.metrics)
    }

    func evaluated(_ evaluation: EvaluationResult) {
        interrupt()
        log(
            "eval at step \(evaluation.step): "
                + evaluation.values.sorted { $0.key < $1.key }
                .map { String(format: "%@ %.4f", $0.key, $0.value) }.joined(separator: "  "))
    }

    func update(step: Int, loss: Float, lr: Float, metrics: [String: Float]) {
        let elapsed = Date().timeIntervalSince(began)
        let rate = Double(step - start) / max(elapsed, 1e-9)
        let eta = Double(total - step) / max(rate, 1e-9)
        var text = String(format: "step %d/%d  loss %.4f  lr %.3g", step, total, loss, lr)
        for (k, v) in metrics.sorted(by: { $0.key < $1.key }) {
            text += String(format: "  %@ %.4f", k, v)
        }
        text += String(format: "  %.1f steps/s  ETA %ds", rate, Int(eta.rounded()))
        if isTerminal {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
            wroteLine = true
        } else {
            log(text)
        }
    }

    /// Ends the updating line so that a log line can follow on a line of its own.
    func interrupt() {
        if isTerminal && wroteLine {
            FileHandle.standardError.write(Data("\n".utf8)); wroteLine = false
        }
    }

    func finished() {
        if isTerminal && wroteLine { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
