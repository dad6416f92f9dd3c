import Foundation
import GardenTrain
import Testing

@Suite struct WordPieceTokenizerTests {
    // The vocabulary of google-research/bert's tokenization_test.py, plus punctuation.
    static let vocab: Vocabulary = {
        let tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "want", "##want", "##ed", "wa", "un",
                      "runn", "##ing", ",", ".", "!", "'", "s", "hello", "world", "é"]
        // The tokens above are distinct and include the special tokens.
        return try! Vocabulary(tokens: tokens)
    }()

    @Test(arguments: [
        ("UNwant\u{00E9}d,running", ["un", "##want", "##ed", ",", "runn", "##ing"]),
        ("Hello, world!", ["hello", ",", "world", "!"]),
        ("unwantedX running", ["[UNK]", "runn", "##ing"]),
        ("  \tHeLLo\n world's  ", ["hello", "world", "'", "s"]),
        ("", []),
    ])
    func tokenizesLikeBERT(text: String, expected: [String]) {
        let tokenizer = WordPieceTokenizer(vocabulary: Self.vocab)
        #expect(tokenizer.tokenize(text) == expected)
    }

    @Test func wordsLongerThanTheLimitAreUnknown() {
        let tokenizer = WordPieceTokenizer(vocabulary: Self.vocab, maxInputCharsPerWord: 5)
        #expect(tokenizer.wordPieces("wantwant") == ["[UNK]"])
        #expect(WordPieceTokenizer(vocabulary: Self.vocab).wordPieces(String(repeating: "a", count: 101)) == ["[UNK]"])
    }

    @Test func basicTokenizerSplitsPunctuationCJKAndStripsAccents() {
        let basic = BasicTokenizer()
        #expect(basic.tokenize(" \tHeLLo!how  \n Are yoU?  ") == ["hello", "!", "how", "are", "you", "?"])
        #expect(basic.tokenize("H\u{00E9}llo") == ["hello"])
        #expect(basic.tokenize("ah\u{535A}\u{63A8}zz") == ["ah", "\u{535A}", "\u{63A8}", "zz"])
        #expect(basic.tokenize("a$b^c`d") == ["a", "$", "b", "^", "c", "`", "d"])
        #expect(BasicTokenizer(doLowerCase: false).tokenize("HeLLo!") == ["HeLLo", "!"])
    }

    @Test func idsUseUnknownForUnmatchedWords() {
        let tokenizer = WordPieceTokenizer(vocabulary: Self.vocab)
        #expect(tokenizer.ids("hello zzz") == [17, 1])
    }
}

@Suite struct VocabularyTests {
    @Test func builderPutsSpecialTokensFirstAndHasTheExactSize() {
        let v = VocabularyBuilder.build(sentences: ["the cat sat.", "the dog sat!"], size: 40)
        #expect(Array(v.tokens.prefix(5)) == ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
        #expect(v.count == 40)
        #expect(v.contains("the") && v.contains("##t") && v.contains("[unused0]"))
        #expect(v == VocabularyBuilder.build(sentences: ["the cat sat.", "the dog sat!"], size: 40))
    }

    @Test func everyCorpusWordTokenizesWithoutUnknowns() {
        let corpus = SyntheticCorpus.paragraphs(count: 20, seed: 3).flatMap { $0 }
        let v = VocabularyBuilder.build(sentences: corpus, size: 100)
        let tokenizer = WordPieceTokenizer(vocabulary: v)
        for s in corpus { #expect(!tokenizer.tokenize(s).contains("[UNK]")) }
    }

    @Test func readsVocabTxtAndRejectsAFileWithoutSpecialTokens() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vocab-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("vocab.txt")
        try Data("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\n".utf8).write(to: good)
        #expect(try Vocabulary.read(good).id("hello") == 5)
        let bad = dir.appendingPathComponent("bad.txt")
        try Data("[PAD]\nhello\n".utf8).write(to: bad)
        #expect(throws: VocabularyError.missingSpecial(source: bad.path, token: "[UNK]")) {
            try Vocabulary.read(bad)
        }
    }
}
