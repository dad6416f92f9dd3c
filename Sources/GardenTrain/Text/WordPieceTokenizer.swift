import GardenTensor

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
    private let unknownID: Int32

    public init(vocabulary: Vocabulary, doLowerCase: Bool = true, maxBytesPerWord: Int = 100) {
        self.vocabulary = vocabulary
        basic = BasicTokenizer(doLowerCase: doLowerCase)
        self.maxBytesPerWord = maxBytesPerWord
        unknownID = vocabulary.specialID(Vocabulary.unk)
    }

    /// The WordPiece tokens of `text`.
    public func tokenize(_ text: String) -> [String] {
        ids(text).map { vocabulary.tokens[Int($0)] }
    }

    /// The ids of `tokenize(text)`.
    public func ids(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        var key = TokenBytes()
        basic.forEachToken(in: text) { appendPieceIDs(of: $0, to: &ids, key: &key) }
        return ids
    }

    /// The ids of every sentence of `paragraphs`, the paragraphs split over `ParallelFor`'s
    /// threads: a paragraph's ids depend on its text alone, so they are the same at any thread
    /// count, and a pre-training corpus is ready in about half the time on two.
    public func ids(ofParagraphs paragraphs: [[String]]) -> [[[Int32]]] {
        var out = [[[Int32]]](repeating: [], count: paragraphs.count)
        out.withUnsafeMutableBufferPointer { buffer in
            let buffer = buffer
            ParallelFor.forEach(paragraphs.count, grain: 16) { range in
                for p in range { buffer[p] = paragraphs[p].map(ids) }
            }
        }
        return out
    }

    /// The pieces of one word: greedy longest prefix in the vocabulary, then the longest
    /// `##`-continuation, and so on.
    public func wordPieces(_ word: String) -> [String] {
        var ids: [Int32] = []
        var key = TokenBytes()
        var word = word
        word.withUTF8 { appendPieceIDs(of: $0, to: &ids, key: &key) }
        return ids.map { vocabulary.tokens[Int($0)] }
    }

    /// Appends the ids of `word`'s pieces (its UTF-8 bytes), or `[UNK]`'s. Candidates are byte
    /// ranges ending on a scalar boundary, no longer than the vocabulary's longest token,
    /// looked up in the reusable buffer `key`: a String per candidate was half of a corpus's
    /// tokenization (docs/performance.md).
    func appendPieceIDs(
        of word: UnsafeBufferPointer<UInt8>, to ids: inout [Int32], key: inout TokenBytes
    ) {
        let n = word.count
        guard n <= maxBytesPerWord else {
            ids.append(unknownID)
            return
        }
        func isContinuationByte(_ i: Int) -> Bool { i < n && word[i] & 0xC0 == 0x80 }
        let first = ids.count
        var start = 0
        while start < n {
            let prefix = start > 0 ? 2 : 0
            var end = min(n, start + vocabulary.longestTokenBytes - prefix)
            while end > start && isContinuationByte(end) { end -= 1 }
            var found: Int32?
            while end > start {
                key.bytes.removeAll(keepingCapacity: true)
                if prefix > 0 { key.bytes.append(contentsOf: [0x23, 0x23]) }  // "##"
                key.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: word[start..<end]))
                found = vocabulary.id(utf8: key)
                if found != nil { break }
                end -= 1
                while end > start && isContinuationByte(end) { end -= 1 }
            }
            guard let id = found else {
                ids.removeSubrange(first...)
                ids.append(unknownID)
                return
            }
            ids.append(id)
            start = end
        }
    }
}
