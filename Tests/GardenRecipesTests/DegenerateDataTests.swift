import Foundation
import GardenHDF5
import GardenTestSupport
import Testing
@testable import GardenRecipes

/// Data that has the right types but cannot train (issue 10, class 5).
@Suite("Degenerate data")
struct DegenerateDataTests {
    func hdf5Recipe(_ file: URL, _ extra: [String] = []) throws -> Recipe {
        try RecipeLoader.load(
            yaml: "", sourceName: "r.yaml",
            overrides: ["data.source=hdf5", "data.path=\(file.path)"] + extra)
    }

    func write(rows: Int, to file: URL) throws {
        try HDF5File.atomicallyWrite(to: file) { f in
            try f.write(
                [Float](repeating: 0.5, count: rows * 4), shape: [rows, 4], at: "train/inputs")
            try f.write([Int32](repeating: 1, count: rows), shape: [rows], at: "train/labels")
        }
    }

    func message(_ body: () throws -> Any) -> String? { errorMessage(body) }

    @Test func anHDF5SetWithoutRowsIsRefused() throws {
        let directory = try TemporaryDirectory()
        let file = directory.url.appendingPathComponent("empty.h5")
        try write(rows: 0, to: file)
        let recipe = try hdf5Recipe(file)
        #expect(
            message { try exampleCount(recipe) }
                == "\(file.path): dataset 'train/labels' has 0 rows, expected at least data.batch_size (32)"
        )
    }

    @Test func anHDF5SetShorterThanABatchAfterTheEvalSplitIsRefused() throws {
        let directory = try TemporaryDirectory()
        let file = directory.url.appendingPathComponent("short.h5")
        try write(rows: 20, to: file)
        let recipe = try hdf5Recipe(file, ["data.batch_size=16", "data.eval_fraction=0.25"])
        #expect(
            message { try exampleCount(recipe) }
                == "\(file.path): dataset 'train/labels' has 20 rows, expected at least data.batch_size (16) rows besides the 5 that data.eval_fraction holds out"
        )
        // Without the split the same rows are enough.
        let whole = try hdf5Recipe(file, ["data.batch_size=16", "data.eval_fraction=0"])
        #expect(try exampleCount(whole) == 20)
    }

    @Test func aVocabularyOfOnlySpecialTokensIsRefused() throws {
        let directory = try TemporaryDirectory()
        let vocab = directory.url.appendingPathComponent("vocab.txt")
        try Data("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n".utf8).write(to: vocab)
        let recipe = try RecipeLoader.load(
            yaml: "", sourceName: "r.yaml",
            overrides: [
                "model.type=bert_pretrainer", "data.vocab=\(vocab.path)", "data.num_examples=16",
                "data.batch_size=4",
            ])
        #expect(
            message { try exampleCount(recipe) }
                == "\(vocab.path): the vocabulary holds only the special tokens ([PAD], [UNK], [CLS], [SEP], [MASK]), expected at least one word piece besides them"
        )
    }

    /// A corpus of lines that tokenize to nothing made no examples, and training divided by
    /// a batch size of 0 (found by hand, a lone combining accent).
    @Test func aCorpusWithoutTokensIsRefused() throws {
        let directory = try TemporaryDirectory()
        let corpus = directory.url.appendingPathComponent("corpus.txt")
        try Data("\u{301}\n \t\u{7}\n\u{300}\u{301} \u{0}\n".utf8).write(to: corpus)
        let recipe = try RecipeLoader.load(
            yaml: "", sourceName: "r.yaml",
            overrides: [
                "model.type=bert_pretrainer", "data.source=text", "data.path=\(corpus.path)",
                "data.vocab_size=64", "data.num_examples=16", "data.batch_size=4",
            ])
        #expect(
            message { try exampleCount(recipe) }
                == "\(corpus.path): the text corpus has no tokens once BERT's basic tokenizer drops spaces, control characters and accents; expected words (data.path)"
        )
    }
}
