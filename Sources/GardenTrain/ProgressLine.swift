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
                .map { $0.key + " " + Self.printf("%.4f", $0.value) }.joined(separator: "  "))
    }

    func update(step: Int, loss: Float, lr: Float, metrics: [String: Float]) {
        let elapsed = Date().timeIntervalSince(began)
        let rate = Double(step - start) / max(elapsed, 1e-9)
        let eta = Double(total - step) / max(rate, 1e-9)
        var text = "step \(step)/\(total)  loss " + Self.printf("%.4f", loss)
        text += "  lr " + Self.printf("%.3g", lr)
        for (k, v) in metrics.sorted(by: { $0.key < $1.key }) {
            text += "  " + k + " " + Self.printf("%.4f", v)
        }
        text += "  " + Self.printf("%.1f", rate) + " steps/s  ETA \(Int(eta.rounded()))s"
        if isTerminal {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
            wroteLine = true
        } else {
            log(text)
        }
    }

    /// One number as C's `printf` formats it (`%.4f`, `%.3g`): glibc's `vsnprintf`, because
    /// Foundation's `String(format:)` (through NSString) took half of a log line's ~80 µs,
    /// a tenth of the 4-32-32-3 mlp's step at its logging cadence.
    static func printf(_ format: StaticString, _ value: some BinaryFloatingPoint) -> String {
        // 400 bytes hold any Double in %.Nf with a small N (309 digits at most before the point).
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 400) { buffer in
            guard let base = buffer.baseAddress else { return "" }
            let cFormat = UnsafeRawPointer(format.utf8Start).assumingMemoryBound(to: CChar.self)
            _ = withVaList([Double(value)]) { vsnprintf(base, buffer.count, cFormat, $0) }
            return String(cString: base)
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
