import Foundation

/// BERT's basic tokenizer as tensorflow_text's `BertTokenizer` runs it (Model Garden's BERT
/// preprocessing): normalizes, then splits into words, punctuation marks and CJK ideographs.
///
/// With `doLowerCase` (`lower_case=True`): ICU's NFKC_Casefold (`case_fold_utf8`: full-width
/// forms to ASCII, `ß` to `ss`, default-ignorable characters such as U+00AD and U+200B
/// removed), then NFD, then every nonspacing mark (Mn) removed. Without it, the text is left as
/// it is (`normalization_form=None`). Then, both ways: every control (Cc) and format (Cf)
/// character becomes a space; the text splits at runs of ASCII whitespace `[\t\n\f\r ]` (RE2's
/// `\s`: other Unicode spaces stay inside words unless NFKC mapped them to U+0020); and each
/// punctuation character (ASCII symbols `!-/ :-@ [-` {-~` and Unicode P*) and each CJK
/// ideograph becomes a token of its own.
///
/// tensorflow_text classifies characters with RE2's Unicode tables, which are Unicode 15.1:
/// a character assigned in a later version is unassigned there, and here (`regexCategory`).
public struct BasicTokenizer: Sendable {
    /// Whether text is case-folded and stripped of accents first (an "uncased" vocabulary).
    public var doLowerCase: Bool

    public init(doLowerCase: Bool = true) {
        self.doLowerCase = doLowerCase
    }

    /// The words, punctuation marks and CJK ideographs of `text`, in order.
    public func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        forEachToken(in: text) { tokens.append(String(decoding: $0, as: UTF8.self)) }
        return tokens
    }

    /// Calls `body` with the UTF-8 bytes of each token of `text`, in order. Tokens are ranges
    /// of the normalized text's bytes, classified a scalar at a time (ASCII by a table), so no
    /// String or scalar view is built per token: building them was most of a corpus's
    /// tokenization (docs/performance.md).
    func forEachToken(in text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var normalized = doLowerCase ? Self.caseFolded(text) : text
        normalized.withUTF8 { bytes in
            var wordStart = -1
            func endWord(at end: Int) {
                if wordStart >= 0 { body(UnsafeBufferPointer(rebasing: bytes[wordStart..<end])) }
                wordStart = -1
            }
            var i = 0
            while i < bytes.count {
                let lead = bytes[i]
                let (kind, length) =
                    lead < 0x80
                    ? (Self.asciiKinds[Int(lead)], 1)
                    : Self.kindAndLength(ofScalarAt: i, in: bytes)
                switch kind {
                case .separator:
                    endWord(at: i)
                case .token:
                    endWord(at: i)
                    body(UnsafeBufferPointer(rebasing: bytes[i..<i + length]))
                case .wordPart:
                    if wordStart < 0 { wordStart = i }
                }
                i += length
            }
            endWord(at: bytes.count)
        }
    }

    /// What a character is to the splitter.
    enum Kind {
        /// Splits words and is dropped (`isSeparator`).
        case separator
        /// A token of its own: punctuation or a CJK ideograph.
        case token
        /// Part of a word.
        case wordPart
    }

    static func kind(of s: Unicode.Scalar) -> Kind {
        if isSeparator(s) { return .separator }
        return isPunctuation(s) || isCJK(s) ? .token : .wordPart
    }

    /// `kind` of each ASCII character.
    static let asciiKinds: [Kind] = (0..<128).map { kind(of: Unicode.Scalar(UInt8($0))) }

    /// The kind of the multi-byte scalar starting at `i` of valid UTF-8, and its length.
    static func kindAndLength(ofScalarAt i: Int, in bytes: UnsafeBufferPointer<UInt8>)
        -> (Kind, Int)
    {
        let lead = UInt32(bytes[i])
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        var value = lead & (0x7F >> length)
        for k in 1..<length { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
        // A String's bytes are valid UTF-8, so the value is a scalar.
        return (Unicode.Scalar(value).map(kind) ?? .wordPart, length)
    }

    /// tensorflow_text's `lower_case`: NFKC_Casefold, NFD, nonspacing marks removed. On ASCII
    /// text that is ASCII lower-casing (NFKC and NFD leave ASCII as it is, case folding maps
    /// A-Z to a-z and nothing else, and no ASCII character is a mark or default-ignorable),
    /// done without ICU's two passes over UTF-16 (`asciiCaseFoldingIsICUs` holds it to ICU).
    static func caseFolded(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(
                decoding: text.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 },
                as: UTF8.self)
        }
        return caseFoldedByICU(text)
    }

    /// `caseFolded` for any text, by ICU.
    static func caseFoldedByICU(_ text: String) -> String {
        let decomposed = ICUNormalizer.nfd.normalize(ICUNormalizer.nfkcCasefold.normalize(text))
        var out = String.UnicodeScalarView()
        for s in decomposed.unicodeScalars where s.isASCII || regexCategory(s) != .nonspacingMark {
            out.append(s)
        }
        return String(out)
    }

    /// The general category RE2 (TF 2.21) gives `s`: Swift's, for characters assigned by
    /// Unicode 15.1; nil (unassigned) for later ones.
    static func regexCategory(_ s: Unicode.Scalar) -> Unicode.GeneralCategory? {
        guard let age = s.properties.age, age.major < 16 else { return nil }
        return s.properties.generalCategory
    }

    /// Splits words and is dropped: RE2's `\s` (`[\t\n\f\r ]`), and the controls and format
    /// characters (Cc, Cf) tensorflow_text replaces with spaces first.
    static func isSeparator(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case " ", "\t", "\n", "\u{0C}", "\r": return true
        default:
            let category = regexCategory(s)
            return category == .control || category == .format
        }
    }

    /// ASCII non-alphanumeric symbols, and every Unicode category P*.
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if (33...47).contains(v) || (58...64).contains(v) || (91...96).contains(v)
            || (123...126).contains(v)
        {
            return true
        }
        switch regexCategory(s) {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default: return false
        }
    }

    /// The CJK Unified Ideographs blocks BERT lists (not Hangul or kana).
    static func isCJK(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v)
            || (0x20000...0x2A6DF).contains(v) || (0x2A700...0x2B73F).contains(v)
            || (0x2B740...0x2B81F).contains(v) || (0x2B820...0x2CEAF).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0x2F800...0x2FA1F).contains(v)
    }
}
