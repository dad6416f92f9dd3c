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
        let normalized = doLowerCase ? Self.caseFolded(text) : text
        var tokens: [String] = []
        var word = String.UnicodeScalarView()
        func endWord() {
            if !word.isEmpty { tokens.append(String(word)) }
            word = String.UnicodeScalarView()
        }
        for scalar in normalized.unicodeScalars {
            if Self.isSeparator(scalar) {
                endWord()
            } else if Self.isPunctuation(scalar) || Self.isCJK(scalar) {
                endWord()
                tokens.append(String(scalar))
            } else {
                word.append(scalar)
            }
        }
        endWord()
        return tokens
    }

    /// tensorflow_text's `lower_case`: NFKC_Casefold, NFD, nonspacing marks removed.
    static func caseFolded(_ text: String) -> String {
        let decomposed = ICUNormalizer.nfd.normalize(ICUNormalizer.nfkcCasefold.normalize(text))
        var out = String.UnicodeScalarView()
        for s in decomposed.unicodeScalars where regexCategory(s) != .nonspacingMark {
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
