import Foundation

/// The lines of a UTF-8 text file as TensorFlow reads them (`TextFileIdTableInitializer` for
/// `vocab.txt`): split at `\n` only, a `\r` ending a line dropped, no empty line after a final
/// `\n`. Other line breaks (U+0085, U+2028, a `\r` inside a line) stay in their line.
public enum TextLines {
    /// The lines of `data`, or nil when line `invalidLine` (1-based) is not valid UTF-8.
    public static func split(_ data: Data) -> (lines: [String], invalidLine: Int?) {
        var parts = Array(data).split(separator: 0x0A, omittingEmptySubsequences: false)
        if parts.last?.isEmpty == true { parts.removeLast() }
        var lines: [String] = []
        lines.reserveCapacity(parts.count)
        for (i, part) in parts.enumerated() {
            let bytes = part.last == 0x0D ? part.dropLast() : part
            guard let line = String(validating: bytes, as: UTF8.self) else {
                return (lines, i + 1)
            }
            lines.append(line)
        }
        return (lines, nil)
    }
}
