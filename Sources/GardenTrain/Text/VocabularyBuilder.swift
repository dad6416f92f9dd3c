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
        // Words are counted as Strings, which merges canonically equivalent spellings (`é` and
        // `e` + U+0301) under the first one seen; characters by each exact spelling's bytes, so
        // that every spelling can be spelled.
        var wordCounts: [String: Int] = [:]
        var spellingCounts: [TokenBytes: Int] = [:]
        for s in sentences {
            for w in basic.tokenize(s) {
                wordCounts[w, default: 0] += 1
                spellingCounts[TokenBytes(w), default: 0] += 1
            }
        }
        // A character's count is the sum over the distinct spellings that hold it (a sum, so
        // the dictionary's order does not matter).
        var charCounts: [String: Int] = [:]
        for (spelling, n) in spellingCounts {
            for c in String(decoding: spelling.bytes, as: UTF8.self).unicodeScalars {
                charCounts[String(c), default: 0] += n
            }
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
