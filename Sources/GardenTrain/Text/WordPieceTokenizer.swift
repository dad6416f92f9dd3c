/// BERT's full tokenizer as tensorflow_text's `BertTokenizer(vocab, lower_case=...)` runs it:
/// `BasicTokenizer`, then WordPiece (greedy longest-match-first over the vocabulary by whole
/// characters, continuation pieces prefixed `##`).
///
/// A word of more than `maxBytesPerWord` UTF-8 bytes (tensorflow_text's `max_bytes_per_word`,
/// default 100), or one that vocabulary pieces cannot cover, becomes a single `[UNK]`.
public struct WordPieceTokenizer: Sendable {
    public let vocabulary: Vocabulary
    public let basic: BasicTokenizer
    public let maxBytesPerWord: Int

    public init(vocabulary: Vocabulary, doLowerCase: Bool = true, maxBytesPerWord: Int = 100) {
        self.vocabulary = vocabulary
        basic = BasicTokenizer(doLowerCase: doLowerCase)
        self.maxBytesPerWord = maxBytesPerWord
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
        if word.utf8.count > maxBytesPerWord { return [Vocabulary.unk] }
        let chars = Array(word.unicodeScalars)
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
