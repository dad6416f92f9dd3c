import Foundation

/// `<model-dir>/metrics.jsonl`: one JSON object per logged step, for scripts.
///
/// Lines hold only values that are functions of (recipe, step), never times, so the file of a
/// run that was killed and resumed equals the file of a run that never stopped: on resume,
/// lines after the checkpoint's step (logged by the killed process) are dropped first.
final class MetricsLog: TrainingObserver {
    let url: URL
    /// The file opened for appending at the first line, kept open for the run: opening and
    /// closing it per line was a third of a log line's cost. Each line is written as it is
    /// heard (on the checkpoint writer's thread, `BackgroundObservers`, before any later
    /// checkpoint's file), so a resumed run finds every line up to its checkpoint.
    /// (`truncate` and `writeHeader` replace the file, so they come before.)
    private var appending: FileHandle?

    init(url: URL) { self.url = url }

    func finished() {
        try? appending?.close()
        appending = nil
    }

    /// `{"step": s, "learning_rate": ..., "loss": ..., <metrics>}`.
    func logged(_ means: LoggedMeans) {
        var fields = means.metrics
        fields["loss"] = means.loss; fields["learning_rate"] = means.learningRate
        append(step: means.step, fields)
    }

    /// `{"step": s, "eval/loss": ..., "eval/<metric>": ...}`.
    func evaluated(_ evaluation: EvaluationResult) {
        append(
            step: evaluation.step,
            Dictionary(uniqueKeysWithValues: evaluation.values.map { ("eval/" + $0.key, $0.value) })
        )
    }

    /// Drops lines whose `"step"` is greater than `step`.
    func truncate(after step: Int) throws {
        guard let data = FileManager.default.contents(atPath: url.path) else { return }
        let text = String(decoding: data, as: UTF8.self)
        let kept = text.split(separator: "\n").filter { line in
            guard let s = Self.step(of: line) else { return false }
            return s <= step
        }
        let out = kept.map { $0 + "\n" }.joined()
        if out.utf8.count != data.count { try Data(out.utf8).write(to: url, options: .atomic) }
    }

    /// Starts the file with its header line, `{"blas_config": ..., "blas_core": ..., "step": 0}`:
    /// the OpenBLAS kernel that computed the run, which decides its last digits (two machines
    /// whose kernels differ differ there). Step 0, so a resumed run keeps it and its file stays
    /// equal to an uninterrupted run's; a run from scratch replaces the whole file.
    func writeHeader(_ kernel: BLASKernel) throws {
        let line =
            "{\"blas_config\": \(Self.json(kernel.config)), \"blas_core\": \(Self.json(kernel.core)), \"step\": 0}\n"
        try Data(line.utf8).write(to: url, options: .atomic)
    }

    /// Appends one line: `{"step": 10, "loss": ..., <fields in name order>}`.
    func append(step: Int, _ fields: [String: Float]) {
        let body = fields.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \(Self.json($0.value))" }
        let line = "{" + (["\"step\": \(step)"] + body).joined(separator: ", ") + "}\n"
        if appending == nil {
            if !FileManager.default.fileExists(atPath: url.path) { try? Data().write(to: url) }
            appending = try? FileHandle(forWritingTo: url)
            _ = try? appending?.seekToEnd()
        }
        // A failed write (a full disk) loses the line rather than stop the run: it is a log.
        try? appending?.write(contentsOf: Data(line.utf8))
    }

    /// A JSON string literal, escaped by Foundation's encoder.
    static func json(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return (try? encoder.encode(text)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    /// JSON has no NaN or infinity; they are written as null.
    static func json(_ v: Float) -> String { v.isFinite ? "\(v)" : "null" }

    static func step(of line: Substring) -> Int? {
        guard let r = line.range(of: "\"step\": ") else { return nil }
        return Int(line[r.upperBound...].prefix { $0.isNumber })
    }
}
