@testable import GardenTrain
import Testing

@Suite struct PretrainingDataTests {
    static let paragraphs = SyntheticCorpus.paragraphs(count: 40, seed: 9)
    static let vocab = VocabularyBuilder.build(sentences: paragraphs.flatMap { $0 }, size: 200)
    static let ids: [[[Int32]]] = {
        let t = WordPieceTokenizer(vocabulary: vocab)
        return paragraphs.map { $0.map(t.ids) }
    }()

    func examples(seed: UInt64 = 1, count: Int = 400) -> [PretrainingData.Example] {
        PretrainingData(seqLength: 48, maxPredictions: 6, seed: seed)
            .examples(count: count, paragraphs: Self.ids, vocabulary: Self.vocab)
    }

    @Test func examplesAreDeterministicInTheSeed() {
        #expect(examples() == examples())
        #expect(examples() != examples(seed: 2))
    }

    @Test func sequencesHaveTheBERTLayout() {
        for e in examples(count: 100) {
            let length = e.mask.reduce(0) { $0 + Int($1) }
            #expect(e.wordIds.count == 48 && e.wordIds[0] == Self.vocab.specialID(Vocabulary.cls))
            #expect(e.wordIds[length - 1] == Self.vocab.specialID(Vocabulary.sep))
            #expect(
                e.wordIds[length...].allSatisfy { $0 == 0 }
                    && e.typeIds[length...].allSatisfy { $0 == 0 })
            let predictions = e.weights.filter { $0 == 1 }.count
            #expect(predictions >= 1 && predictions <= 6)
            #expect(predictions == min(6, max(1, Int((Float(length - 3) * 0.15).rounded()))))
            for p in e.positions.prefix(predictions) {
                #expect(e.typeIds.count == 48 && p > 0 && Int(p) < length - 1)
            }
        }
    }

    @Test func maskingFollowsThe80_10_10Rule() {
        var masked = 0, kept = 0, replaced = 0
        let maskID = Self.vocab.specialID(Vocabulary.mask)
        for e in examples(count: 2000) {
            for i in 0..<e.positions.count where e.weights[i] == 1 {
                let now = e.wordIds[Int(e.positions[i])]
                if now == maskID {
                    masked += 1
                } else if now == e.maskedIds[i] {
                    kept += 1
                } else {
                    replaced += 1
                }
            }
        }
        let total = Double(masked + kept + replaced)
        #expect(abs(Double(masked) / total - 0.8) < 0.02)
        // A random replacement can draw the original token, so "kept" is slightly above 10%.
        #expect(abs(Double(kept) / total - 0.1) < 0.02)
        #expect(abs(Double(replaced) / total - 0.1) < 0.02)
    }

    @Test func halfOfTheSecondSegmentsAreRandom() {
        let labels = examples(count: 2000).map(\.nextSentenceLabel)
        let random = Double(labels.filter { $0 == 1 }.count) / Double(labels.count)
        #expect(abs(random - 0.5) < 0.05)
    }

    @Test func datasetHasTheLayoutBertPretrainerReads() {
        let data = PretrainingData.dataset(examples(count: 64), batchSize: 8, seed: 1)
        let batch = data.batch(at: 0)
        #expect(batch.modelInputs.map(\.shape) == [[8, 48], [8, 48], [8, 48], [8, 6]])
        #expect(batch.nextSentenceLabels.shape == [8])
        #expect(batch.maskedLMIds.shape == [8, 6])
        #expect(batch.maskedLMWeights.dtype == .float32)
        // A batch's rows are whole examples: row i of every column is one example's.
        let row = Array(batch.inputWordIds.int32s[0..<48])
        let example = examples(count: 64).first { $0.wordIds == row }
        #expect(example != nil)
        #expect(batch.maskedLMIds.int32s[0..<6].map { $0 } == example?.maskedIds)
        #expect(batch.nextSentenceLabels.int32s[0] == example?.nextSentenceLabel)
    }

    @Test func textCorpusSplitsParagraphsIntoSentences() {
        #expect(
            TextCorpus.sentences("One two. Three? Four!Five  six.") == [
                "One two.", "Three?", "Four!Five  six.",
            ])
    }

    /// The newline scalars are exactly the scalars that are newline characters on their own.
    @Test func newlineScalarsAreNewlineCharacters() {
        for value in 0..<0x3000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            #expect(TextCorpus.isNewline(scalar) == Character(scalar).isNewline, "\(value)")
        }
    }

    /// ASCII paragraphs split by bytes as by characters: every ASCII character but the line
    /// breaks a paragraph cannot hold, dense in sentence ends and spaces, from a fixed LCG.
    @Test func asciiParagraphsSplitAsByCharacters() {
        let alphabet =
            (0..<128).map { UInt8($0) }.filter { $0 != 0x0A && $0 != 0x0D }
            + Array(". . ! ? \t\t".utf8)
        var state: UInt64 = 12345
        for _ in 0..<2000 {
            var bytes: [UInt8] = []
            for _ in 0..<40 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes.append(alphabet[Int(state >> 33) % alphabet.count])
            }
            let paragraph = String(decoding: bytes, as: UTF8.self)
            #expect(
                TextCorpus.asciiSentences(paragraph) == TextCorpus.characterSentences(paragraph),
                "\(bytes)")
        }
    }
}
