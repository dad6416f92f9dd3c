import Foundation

/// A plain-text corpus for BERT pre-training: one paragraph per line, blank lines ignored;
/// a paragraph splits into sentences after `.`, `!` or `?` followed by whitespace.
public enum TextCorpus {
    /// The paragraphs of the file at `url`, each a list of sentences.
    /// At most `TextFile.dataLimit` bytes.
    public static func read(_ url: URL) throws -> [[String]] {
        let data: Data
        do {
            data = try TextFile.contents(of: url.path, limit: TextFile.dataLimit)
        } catch TextFile.Failure.tooLarge(let limit) {
            throw TextCorpusError.tooLarge(path: url.path, limit: limit)
        } catch {
            throw TextCorpusError.unreadable(path: url.path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TextCorpusError.unreadable(path: url.path)
        }
        let paragraphs = text.split(whereSeparator: \.isNewline).map(String.init).map(sentences)
            .filter { !$0.isEmpty }
        guard !paragraphs.isEmpty else { throw TextCorpusError.empty(path: url.path) }
        return paragraphs
    }

    /// The sentences of one paragraph, trimmed, empty ones dropped.
    public static func sentences(_ paragraph: String) -> [String] {
        var out: [String] = []
        var current = ""
        var previousEnds = false
        for ch in paragraph {
            if previousEnds && ch.isWhitespace {
                out.append(current); current = ""
            } else {
                current.append(ch)
            }
            previousEnds = ch == "." || ch == "!" || ch == "?"
        }
        out.append(current)
        return out.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// A corpus file that cannot be used.
public enum TextCorpusError: Error, LocalizedError, Equatable {
    case unreadable(path: String)
    case empty(path: String)
    case tooLarge(path: String, limit: Int)

    public var errorDescription: String? {
        switch self {
        case let .unreadable(p):
            return
                "\(p): cannot read the text corpus (expected UTF-8, one paragraph per line; data.path)"
        case let .empty(p): return "\(p): the text corpus has no paragraphs (data.path)"
        case let .tooLarge(p, l):
            return
                "\(p): the file is larger than \(l) bytes, the limit for a text corpus (data.path)"
        }
    }
}
