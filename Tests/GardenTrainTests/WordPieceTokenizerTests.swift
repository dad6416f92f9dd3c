import Foundation
import GardenTensor
@testable import GardenTrain
import Testing

@Suite struct WordPieceTokenizerTests {
    // The vocabulary of google-research/bert's tokenization_test.py, plus punctuation.
    static let vocab: Vocabulary = {
        let tokens = [
            "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "want", "##want", "##ed", "wa", "un",
            "runn", "##ing", ",", ".", "!", "'", "s", "hello", "world", "é",
        ]
        // The tokens above are distinct and include the special tokens.
        return Vocabulary(checkedTokens: tokens)
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

    @Test func wordsLongerThanTheByteLimitAreUnknown() throws {
        let tokenizer = WordPieceTokenizer(vocabulary: Self.vocab, maxBytesPerWord: 5)
        #expect(tokenizer.wordPieces("wantwant") == ["[UNK]"])
        let standard = WordPieceTokenizer(vocabulary: Self.vocab, doLowerCase: false)
        #expect(standard.wordPieces(String(repeating: "a", count: 101)) == ["[UNK]"])
        // tensorflow_text counts UTF-8 bytes: 50 two-byte `é` (100 bytes) fit, 51 do not.
        let accents = try Vocabulary(tokens: Vocabulary.specialTokens + ["\u{E9}", "##\u{E9}"])
        let cased = WordPieceTokenizer(vocabulary: accents, doLowerCase: false)
        #expect(
            cased.wordPieces(String(repeating: "\u{E9}", count: 50))
                == ["\u{E9}"] + Array(repeating: "##\u{E9}", count: 49))
        #expect(cased.wordPieces(String(repeating: "\u{E9}", count: 51)) == ["[UNK]"])
    }

    @Test func basicTokenizerSplitsPunctuationCJKAndStripsAccents() {
        let basic = BasicTokenizer()
        #expect(
            basic.tokenize(" \tHeLLo!how  \n Are yoU?  ") == [
                "hello", "!", "how", "are", "you", "?",
            ])
        #expect(basic.tokenize("H\u{00E9}llo") == ["hello"])
        #expect(basic.tokenize("ah\u{535A}\u{63A8}zz") == ["ah", "\u{535A}", "\u{63A8}", "zz"])
        #expect(basic.tokenize("a$b^c`d") == ["a", "$", "b", "^", "c", "`", "d"])
        #expect(BasicTokenizer(doLowerCase: false).tokenize("HeLLo!") == ["HeLLo", "!"])
    }

    /// Paragraphs tokenized over the threads give each sentence's serial ids, in order.
    @Test func paragraphsOverThreadsAreTokenizedAsOneByOne() {
        let saved = ParallelFor.threads
        defer { ParallelFor.setThreads(saved) }
        ParallelFor.setThreads(2)
        let paragraphs = (0..<100).map { p in
            (0..<(p % 4)).map { s in "Hello, want\(p) runn\(s)ing! The world \u{E9}\u{301}t\u{E9}."
            }
        }
        let tokenizer = WordPieceTokenizer(vocabulary: Self.vocab)
        #expect(
            tokenizer.ids(ofParagraphs: paragraphs) == paragraphs.map { $0.map(tokenizer.ids) })
    }

    /// The ASCII path of lower-casing skips ICU; ICU must give the same bytes for every ASCII
    /// character, alone and in a line.
    @Test func asciiCaseFoldingIsICUs() {
        let all = String(decoding: (0..<128).map { UInt8($0) }, as: UTF8.self)
        for text in (0..<128).map({ String(Unicode.Scalar(UInt8($0))) }) + [all, "Hello, WORLD!"] {
            #expect(
                Array(BasicTokenizer.caseFolded(text).utf8)
                    == Array(BasicTokenizer.caseFoldedByICU(text).utf8), "\(Array(text.utf8))")
        }
    }

    /// Two-, three- and four-byte scalars are classified whole: punctuation and CJK split off,
    /// a symbol (the emoji, So) stays in its word.
    @Test func multiByteCharactersAreClassifiedWhole() {
        #expect(
            BasicTokenizer(doLowerCase: false).tokenize(
                "\u{E9}\u{A1}\u{65E5}x\u{1F600}\u{3001}\u{20000}y")
                == ["\u{E9}", "\u{A1}", "\u{65E5}", "x\u{1F600}", "\u{3001}", "\u{20000}", "y"])
    }

    // Expected tokens: tensorflow_text 2.21.1's `BasicTokenizer(lower_case=True)` on each input.
    @Test(arguments: [
        ("\u{FF3A}\u{FF25}\u{FF2E}", ["zen"]),  // full-width forms fold to ASCII (NFKC)
        // full case folding
        ("Stra\u{DF}e \u{1E9E} \u{17F} \u{3C2}", ["strasse", "ss", "s", "\u{3C3}"]),
        // ᾈ, micro sign, Cherokee
        ("\u{1F88} \u{B5} \u{AB70}", ["\u{3B1}\u{3B9}", "\u{3BC}", "\u{13A0}"]),
        // default ignorables removed
        ("a\u{AD}b a\u{200B}b a\u{FE0F}b \u{3164}", ["ab", "ab", "ab"]),
        ("a\u{A0}b a\u{3000}b", ["a", "b", "a", "b"]),  // NFKC maps these spaces to U+0020
        ("a\u{1680}b a\u{2028}b", ["a\u{1680}b", "a\u{2028}b"]),  // not RE2 \s: inside the word
        ("a\u{85}b a\u{0B}b a\u{0}b", ["a", "b", "a", "b", "a", "b"]),  // controls split
        ("\u{FB01} \u{2460} \u{1CCD6}", ["fi", "1", "a"]),  // compatibility forms (Unicode 16 too)
        // RE2 knows P* to Unicode 15.1
        ("a\u{2E53}b a\u{10D6E}b", ["a", "\u{2E53}", "b", "a\u{10D6E}b"]),
        ("a\u{FFFD}b a\u{E000}b a\u{378}b", ["a\u{FFFD}b", "a\u{E000}b", "a\u{378}b"]),
    ])
    func lowerCaseFollowsTensorFlowText(text: String, expected: [String]) {
        #expect(BasicTokenizer(doLowerCase: true).tokenize(text) == expected)
    }

    // Expected tokens: tensorflow_text 2.21.1's `BasicTokenizer(lower_case=False)`.
    @Test(arguments: [
        ("\u{FF3A}\u{FF25}\u{FF2E} Stra\u{DF}e", ["\u{FF3A}\u{FF25}\u{FF2E}", "Stra\u{DF}e"]),
        ("a\u{A0}b a\u{3000}b", ["a\u{A0}b", "a\u{3000}b"]),  // no normalization: inside the word
        (
            "a\u{AD}b a\u{200B}b a\u{FE0F}b \u{3164}",
            ["a", "b", "a", "b", "a\u{FE0F}b", "\u{3164}"]
        ),  // Cf splits
        ("a\u{301} \u{E9}", ["a\u{301}", "\u{E9}"]),  // accents kept as written
    ])
    func casedFollowsTensorFlowText(text: String, expected: [String]) {
        let tokens = BasicTokenizer(doLowerCase: false).tokenize(text)
        // Compared as scalars: Swift's `==` on strings would accept canonically equivalent ones.
        #expect(
            tokens.map { Array($0.unicodeScalars) } == expected.map { Array($0.unicodeScalars) })
    }

    @Test func vocabularyLookupComparesBytesNotCanonicalEquivalence() throws {
        let v = try Vocabulary(tokens: Vocabulary.specialTokens + ["\u{E9}", "e\u{301}"])
        #expect(v.id("\u{E9}") == 5)
        #expect(v.id("e\u{301}") == 6)
        #expect(v.id("\u{C9}") == 1)
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
        #expect(
            v == VocabularyBuilder.build(sentences: ["the cat sat.", "the dog sat!"], size: 40))
    }

    /// Canonically equivalent spellings share a word entry, but each spelling's own characters
    /// are counted, so a cased vocabulary spells both.
    @Test func everySpellingsCharactersAreCounted() {
        let cased = BasicTokenizer(doLowerCase: false)
        let v = VocabularyBuilder.build(
            sentences: ["caf\u{E9}", "cafe\u{301}", "caf\u{E9}"], size: 40, basic: cased)
        let tokens = Set(v.tokens.map { Array($0.unicodeScalars) })
        for piece in ["e", "##\u{301}", "\u{E9}", "##\u{E9}"] {
            #expect(tokens.contains(Array(piece.unicodeScalars)), "\(piece)")
        }
        let tokenizer = WordPieceTokenizer(vocabulary: v, doLowerCase: false)
        #expect(!tokenizer.ids("cafe\u{301}").contains(v.specialID(Vocabulary.unk)))
    }

    /// Equivalent spellings name their shared word by the one the corpus has first, whichever
    /// is more frequent, so the vocabulary does not depend on hashing.
    @Test func theFirstSpellingSeenNamesTheWord() {
        let cased = BasicTokenizer(doLowerCase: false)
        for (first, other) in [("caf\u{E9}", "cafe\u{301}"), ("cafe\u{301}", "caf\u{E9}")] {
            let v = VocabularyBuilder.build(
                sentences: [first, other, other], size: 40, basic: cased)
            // By bytes: `##` + U+0301 is two graphemes, `#` and `#́`, so hasPrefix("##") misses it.
            let words = v.tokens.filter {
                $0.unicodeScalars.count > 1 && !$0.utf8.starts(with: "[".utf8)
                    && !$0.utf8.starts(with: "##".utf8)
            }
            #expect(words.map { Array($0.unicodeScalars) } == [Array(first.unicodeScalars)])
        }
    }

    @Test func everyCorpusWordTokenizesWithoutUnknowns() {
        let corpus = SyntheticCorpus.paragraphs(count: 20, seed: 3).flatMap { $0 }
        let v = VocabularyBuilder.build(sentences: corpus, size: 100)
        let tokenizer = WordPieceTokenizer(vocabulary: v)
        for s in corpus { #expect(!tokenizer.tokenize(s).contains("[UNK]")) }
    }

    @Test func linesSplitAtNewlineOnlyAsTensorFlowReadsThem() {
        let (lines, invalid) = TextLines.split(Data("a b\r\n\u{2028}c\u{85}\r\n\nlast\r".utf8))
        #expect(lines == ["a b", "\u{2028}c\u{85}", "", "last"])
        #expect(invalid == nil)
        #expect(TextLines.split(Data("one\n".utf8)).lines == ["one"])
        #expect(TextLines.split(Data([0x6F, 0x6B, 0x0A, 0xFF, 0x0A])).invalidLine == 2)
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
