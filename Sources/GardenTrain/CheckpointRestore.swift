import Foundation
import GardenTensor

/// What restoring a checkpoint into a model matched, and what it did not.
public struct RestoreReport: CustomStringConvertible {
    public var matched: [String] = []
    public var missing: [String] = []
    public var unexpected: [String] = []
    public var shapeMismatched: [(path: String, checkpoint: [Int], model: [Int])] = []

    public var isComplete: Bool { missing.isEmpty && unexpected.isEmpty && shapeMismatched.isEmpty }

    public var description: String {
        var lines = [
            "restore: \(matched.count) matched, \(missing.count) missing, \(unexpected.count) unexpected, \(shapeMismatched.count) shape-mismatched"
        ]
        lines += missing.map { "  missing (in model, not in checkpoint): \($0)" }
        lines += unexpected.map { "  unexpected (in checkpoint, not in model): \($0)" }
        lines += shapeMismatched.map {
            "  shape mismatch: \($0.path): checkpoint \($0.checkpoint), model \($0.model)"
        }
        return lines.joined(separator: "\n")
    }
}

extension Checkpoint {
    /// Copies matching variables into `parameters` (path → parameter). Variables under
    /// `ignoringPrefixes` (e.g. the heads of a pretrainer when exporting its encoder) are neither
    /// restored nor reported as unexpected.
    public func restore(
        into parameters: [(path: String, parameter: Parameter)],
        checkpointPrefix: String = ""
    ) -> RestoreReport {
        var report = RestoreReport()
        var saved: [String: Tensor] = [:]
        for (p, t) in variables where p.hasPrefix(checkpointPrefix) {
            saved[String(p.dropFirst(checkpointPrefix.count))] = t
        }
        var used = Set<String>()
        for (path, param) in parameters {
            guard let t = saved[path] else { report.missing.append(path); continue }
            used.insert(path)
            guard t.shape == param.value.shape, t.dtype == param.value.dtype else {
                report.shapeMismatched.append((path, t.shape, param.value.shape))
                continue
            }
            param.value = t
            report.matched.append(path)
        }
        report.unexpected = saved.keys.filter { !used.contains($0) }.sorted()
        return report
    }
}
