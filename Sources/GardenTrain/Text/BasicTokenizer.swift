import Foundation

/// BERT's basic tokenizer (`tokenization.BasicTokenizer` of google-research/bert): cleans the
/// text, optionally lower-cases and strips accents, puts spaces around CJK characters, and
/// splits on whitespace and punctuation.
///
/// The classes of characters follow the reference exactly (ASCII symbols such as `$`, `^` and
/// `` ` `` count as punctuation), so a vocabulary exported with the model tokenizes identically
/// in BERT's Python code.
public struct BasicTokenizer: Sendable {
    /// Whether text is lower-cased and stripped of accents first (an "uncased" vocabulary).
    public var doLowerCase: Bool
    /// Whether accents are stripped; nil follows `doLowerCase`, as in the reference.
    public var stripAccents: Bool?
    /// Whether each CJK ideograph becomes a word of its own.
    public var tokenizeChineseChars: Bool

    public init(doLowerCase: Bool = true, stripAccents: Bool? = nil, tokenizeChineseChars: Bool = true) {
        self.doLowerCase = doLowerCase; self.stripAccents = stripAccents
        self.tokenizeChineseChars = tokenizeChineseChars
    }

    /// The words and punctuation marks of `text`, in order.
    public func tokenize(_ text: String) -> [String] {
        var cleaned = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if s.value == 0 || s.value == 0xFFFD || Self.isControl(s) { continue }
            if Self.isWhitespace(s) {
                cleaned.append(" ")
            } else if tokenizeChineseChars && Self.isChinese(s) {
                cleaned.append(" "); cleaned.append(s); cleaned.append(" ")
            } else {
                cleaned.append(s)
            }
        }
        var words: [String] = []
        for token in Self.whitespaceSplit(String(cleaned)) {
            var t = token
            if doLowerCase { t = t.lowercased() }
            if stripAccents ?? doLowerCase { t = Self.removingAccents(t) }
            words += Self.splitOnPunctuation(t)
        }
        return words
    }

    /// Splits on runs of whitespace (Python's `str.split()` on cleaned text).
    public static func whitespaceSplit(_ text: String) -> [String] {
        var out: [String] = []
        var current = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if isWhitespace(s) {
                if !current.isEmpty { out.append(String(current)); current = String.UnicodeScalarView() }
            } else {
                current.append(s)
            }
        }
        if !current.isEmpty { out.append(String(current)) }
        return out
    }

    /// NFD, then drops combining marks (category Mn).
    static func removingAccents(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for s in text.decomposedStringWithCanonicalMapping.unicodeScalars
        where s.properties.generalCategory != .nonspacingMark {
            out.append(s)
        }
        return String(out)
    }

    /// Each punctuation character becomes its own token.
    static func splitOnPunctuation(_ text: String) -> [String] {
        var out: [String] = []
        var current = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if isPunctuation(s) {
                if !current.isEmpty { out.append(String(current)); current = String.UnicodeScalarView() }
                out.append(String(s))
            } else {
                current.append(s)
            }
        }
        if !current.isEmpty { out.append(String(current)) }
        return out
    }

    static func isWhitespace(_ s: Unicode.Scalar) -> Bool {
        if s == " " || s == "\t" || s == "\n" || s == "\r" { return true }
        return s.properties.generalCategory == .spaceSeparator
    }

    /// Category C* except the whitespace controls, which count as whitespace.
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        if s == "\t" || s == "\n" || s == "\r" { return false }
        switch s.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    /// ASCII non-alphanumeric symbols, and every Unicode category P*.
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v) || (123...126).contains(v) {
            return true
        }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    /// The CJK Unified Ideographs blocks the reference lists (not Hangul or kana).
    static func isChinese(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v)
            || (0x20000...0x2A6DF).contains(v) || (0x2A700...0x2B73F).contains(v)
            || (0x2B740...0x2B81F).contains(v) || (0x2B820...0x2CEAF).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0x2F800...0x2FA1F).contains(v)
    }
}
