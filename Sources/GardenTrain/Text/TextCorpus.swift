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
        // Split at the scalars of `Character.isNewline`: each is a character of its own (grapheme
        // breaks always fall around them) but for `\r\n`, whose empty middle piece is dropped;
        // scalars rather than characters, as finding characters was slow.
        let paragraphs = text.unicodeScalars.split(whereSeparator: isNewline).map(String.init)
            .map(sentences).filter { !$0.isEmpty }
        guard !paragraphs.isEmpty else { throw TextCorpusError.empty(path: url.path) }
        return paragraphs
    }

    /// The scalars that are `Character.isNewline` on their own.
    static func isNewline(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// The sentences of one paragraph, trimmed, empty ones dropped.
    public static func sentences(_ paragraph: String) -> [String] {
        paragraph.utf8.allSatisfy({ $0 < 0x80 })
            ? asciiSentences(paragraph) : characterSentences(paragraph)
    }

    /// `sentences` by characters, for any paragraph.
    static func characterSentences(_ paragraph: String) -> [String] {
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

    /// `sentences` of an ASCII paragraph, by bytes: there every character is one byte (a
    /// paragraph holds no line break, so no `\r\n` pair), and iterating characters was most of
    /// reading a corpus (docs/performance.md). `PretrainingDataTests` holds it to
    /// `characterSentences`.
    static func asciiSentences(_ paragraph: String) -> [String] {
        var out: [String] = []
        let bytes = Array(paragraph.utf8)
        // Trimmed as `.whitespaces` trims (Zs and tab: in ASCII, space and tab); Foundation's
        // trimming was a sixth of reading a corpus.
        func appendTrimmed(_ range: Range<Int>) {
            var (lower, upper) = (range.lowerBound, range.upperBound)
            while lower < upper && (bytes[lower] == 0x20 || bytes[lower] == 0x09) { lower += 1 }
            while upper > lower && (bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09) {
                upper -= 1
            }
            if lower < upper { out.append(String(decoding: bytes[lower..<upper], as: UTF8.self)) }
        }
        var start = 0
        var previousEnds = false
        for (i, b) in bytes.enumerated() {
            if previousEnds && asciiWhitespace[Int(b)] {
                appendTrimmed(start..<i)
                start = i + 1
            }
            previousEnds =
                b == UInt8(ascii: ".") || b == UInt8(ascii: "!") || b == UInt8(ascii: "?")
        }
        appendTrimmed(start..<bytes.count)
        return out
    }

    /// `Character.isWhitespace` of each ASCII character.
    static let asciiWhitespace: [Bool] = (0..<128).map {
        Character(Unicode.Scalar(UInt8($0))).isWhitespace
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
