/// Builds a WordPiece vocabulary of an exact size from a corpus, deterministically.
///
/// Order: the special tokens; then every character seen, as a word start and as a `##`
/// continuation (so any word of the corpus can be spelled), most frequent first; then whole
/// words, most frequent first. Ties break by the token's UTF-8 bytes. Left-over room is filled
/// with `[unused<i>]`, as BERT's vocabularies are, so `vocab.txt` has exactly `size` lines and
/// the embedding table has a row per line. Characters beyond `size` are dropped (their words
/// become `[UNK]`).
public enum VocabularyBuilder {
    public static func build(
        sentences: [String], size: Int, basic: BasicTokenizer = BasicTokenizer()
    ) -> Vocabulary {
        // Each exact spelling (its bytes) is counted once per occurrence, looked up through one
        // reused key so that only a new spelling allocates. Words are then merged as Strings,
        // which unites canonically equivalent spellings (`é` and `e` + U+0301) under the first
        // one seen in the corpus; characters are counted per spelling, so that every spelling
        // can be spelled.
        var spellings: [TokenBytes] = []  // in order of first occurrence
        var counts: [Int] = []
        var indexOf: [TokenBytes: Int] = [:]
        var key = TokenBytes()
        for s in sentences {
            basic.forEachToken(in: s) { word in
                key.bytes.removeAll(keepingCapacity: true)
                key.bytes.append(contentsOf: word)
                if let i = indexOf[key] {
                    counts[i] += 1
                } else {
                    indexOf[key] = spellings.count
                    spellings.append(key)
                    counts.append(1)
                }
            }
        }
        var wordCounts: [String: Int] = [:]
        var charCounts: [String: Int] = [:]
        for (spelling, n) in zip(spellings, counts) {
            let word = String(decoding: spelling.bytes, as: UTF8.self)
            wordCounts[word, default: 0] += n
            for c in word.unicodeScalars { charCounts[String(c), default: 0] += n }
        }
        var tokens = Vocabulary.specialTokens
        var seen = Set(tokens)
        func add(_ t: String) {
            if tokens.count < size && seen.insert(t).inserted { tokens.append(t) }
        }
        for c in byFrequency(charCounts) { add(c); add("##" + c) }
        for w in byFrequency(wordCounts) { add(w) }
        var i = 0
        while tokens.count < size {
            add("[unused\(i)]"); i += 1
        }
        // The special tokens are present and every token unique by construction.
        return Vocabulary(checkedTokens: tokens)
    }

    static func byFrequency(_ counts: [String: Int]) -> [String] {
        counts.sorted { a, b in
            a.value != b.value
                ? a.value > b.value
                : Array(a.key.utf8).lexicographicallyPrecedes(Array(b.key.utf8))
        }.map(\.key)
    }
}
