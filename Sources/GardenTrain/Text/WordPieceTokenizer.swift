/// BERT's full tokenizer: `BasicTokenizer`, then WordPiece (greedy longest-match-first over
/// the vocabulary, continuation pieces prefixed `##`).
///
/// A word longer than `maxInputCharsPerWord` characters, or one that cannot be covered by
/// vocabulary pieces, becomes a single `[UNK]`, as in the reference.
public struct WordPieceTokenizer: Sendable {
    public let vocabulary: Vocabulary
    public let basic: BasicTokenizer
    public let maxInputCharsPerWord: Int

    public init(vocabulary: Vocabulary, doLowerCase: Bool = true, maxInputCharsPerWord: Int = 100) {
        self.vocabulary = vocabulary
        basic = BasicTokenizer(doLowerCase: doLowerCase)
        self.maxInputCharsPerWord = maxInputCharsPerWord
    }

    /// The WordPiece tokens of `text`.
    public func tokenize(_ text: String) -> [String] {
        basic.tokenize(text).flatMap(wordPieces)
    }

    /// The ids of `tokenize(text)`.
    public func ids(_ text: String) -> [Int32] {
        tokenize(text).map { vocabulary.id($0) }
    }

    /// The pieces of one word: greedy longest prefix in the vocabulary, then the longest
    /// `##`-continuation, and so on.
    public func wordPieces(_ word: String) -> [String] {
        let chars = Array(word.unicodeScalars)
        if chars.count > maxInputCharsPerWord { return [Vocabulary.unk] }
        var pieces: [String] = []
        var start = 0
        while start < chars.count {
            var end = chars.count
            var found: String?
            while start < end {
                var view = String.UnicodeScalarView()
                view.append(contentsOf: chars[start..<end])
                let candidate = (start > 0 ? "##" : "") + String(view)
                if vocabulary.contains(candidate) { found = candidate; break }
                end -= 1
            }
            guard let piece = found else { return [Vocabulary.unk] }
            pieces.append(piece)
            start = end
        }
        return pieces
    }
}
