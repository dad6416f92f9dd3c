import Foundation
import GardenModels
import GardenNN
import GardenTensor
import GardenTestSupport
import GardenTrain
import Testing

@testable import GardenRecipes

/// `model.type: bert_classifier`: its recipe rules, the CSV examples (tokenized, packed,
/// labelled through the sorted label list), its loss and metrics, and the shipped data set.
@Suite("Sentence classification")
struct SentenceClassificationTests {
    let folder: TemporaryDirectory
    /// The special tokens, then `the cat sat dog ,` (ids 5 to 9) and `red` (10).
    static let vocabulary =
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        + ["the", "cat", "sat", "dog", ",", "red"]

    init() throws {
        folder = try TemporaryDirectory()
        try Data(Self.vocabulary.map { $0 + "\n" }.joined().utf8).write(to: url("vocab.txt"))
    }

    func url(_ name: String) -> URL { folder.url.appendingPathComponent(name) }

    /// A tiny classifier recipe on table `csv` (written to `t.csv`).
    func recipe(_ csv: String, _ overrides: [String] = []) throws -> Recipe {
        try Data(csv.utf8).write(to: url("t.csv"))
        return try RecipeLoader.load(
            yaml: "", sourceName: "r.yaml",
            overrides: [
                "model.type=bert_classifier", "model.hidden_size=8", "model.num_layers=1",
                "model.num_attention_heads=2", "model.intermediate_size=8",
                "model.max_sequence_length=16", "model.num_classes=2", "data.source=csv",
                "data.path=\(url("t.csv").path)", "data.vocab=\(url("vocab.txt").path)",
                "data.seq_length=8", "data.batch_size=2", "data.eval_fraction=0",
            ] + overrides)
    }

    func task(_ recipe: Recipe) throws -> SentenceClassificationTask {
        try #require(recipe.task as? SentenceClassificationTask)
    }

    /// `the cat, sat` → the cat , sat (5 6 9 7); class names sorted: neg 0, pos 1.
    @Test func csvRowsArePackedAndLabelledBySortedNames() throws {
        let r = try recipe("text,label\n\"the cat, sat\",pos\ndog,neg\n")
        let batch = try task(r).buildInputs().sequentialBatches().first
        let b = try #require(batch)
        #expect(b.inputWordIds.int32s == [2, 5, 6, 9, 7, 3, 0, 0, 2, 8, 3, 0, 0, 0, 0, 0])
        #expect(b.inputMask.int32s == [1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0])
        #expect(b.inputTypeIds.int32s == [Int32](repeating: 0, count: 16))
        #expect(b.labels.int32s == [1, 0])
        #expect(try SentenceData.classNames(r, .init()) == ["neg", "pos"])
        let files = try task(r).runFiles()
        #expect(files.map(\.name) == ["labels.txt", "vocab.txt"])
        #expect(String(decoding: files[0].contents, as: UTF8.self) == "neg\npos\n")
    }

    /// Pairs: `[CLS] a [SEP] b [SEP]`, b typed 1; seq 8 leaves 5 tokens, shared round robin
    /// (4 + 3 tokens → 3 + 2). Integer labels are class ids.
    @Test func pairsAreTruncatedRoundRobin() throws {
        let r = try recipe(
            "a,b,label\nthe red cat sat,the red dog,1\nthe,dog,0\n",
            ["data.text_column=a", "data.text_b_column=b"])
        let b = try #require(try task(r).buildInputs().sequentialBatches().first)
        #expect(b.inputWordIds.int32s == [2, 5, 10, 6, 3, 5, 10, 3, 2, 5, 3, 8, 3, 0, 0, 0])
        #expect(b.inputTypeIds.int32s == [0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0])
        #expect(b.labels.int32s == [1, 0])
        #expect(
            try SentenceData.classNames(r, .init(encoder: .init(), numClasses: 2)) == ["0", "1"])
    }

    @Test func badTablesAndLabelsNameFileAndLine() throws {
        let path = url("t.csv").path
        #expect(
            errorMessage { try task(try recipe("text,label\nthe,1\ndog,2\n")).buildInputs() }
                == "\(path):3: label 2 in column 'label', expected a class id in 0..<2 (model.num_classes)"
        )
        #expect(
            errorMessage { try task(try recipe("text,label\nthe,a\ndog,b\ncat,c\n")).buildInputs() }
                == "\(path): column 'label' has 3 class names (a, b, c), expected model.num_classes (2)"
        )
        #expect(
            errorMessage { try task(try recipe("text,label\nthe,a\ndog,\n")).buildInputs() }
                == "\(path):3: the label in column 'label' is empty; expected a class id or a class name"
        )
        #expect(
            errorMessage { try task(try recipe("text,y\nthe,a\ndog,b\n")).buildInputs() }
                == "\(path):1: no column 'label' (data.label_column) in the header; columns: text, y"
        )
        #expect(
            errorMessage { try task(try recipe("text,label\nthe,a\n")).buildInputs() }
                == "\(path): the table has 1 rows, expected at least data.batch_size (2)")
        #expect(
            errorMessage { try task(try recipe("text,label\n\"the,a\ndog,b\n")).buildInputs() }
                == "\(path):2: the quoted field opened on this line is not closed; expected a closing '\"' before the end of the file"
        )
    }

    @Test func recipeRules() throws {
        #expect(
            errorMessage { try recipe("", ["data.source=synthetic"]) }
                == "--set data.source=synthetic: 'data.source' must be csv for model.type bert_classifier, got synthetic"
        )
        #expect(
            errorMessage { try recipe("", ["model.num_classes=1"]) }
                == "--set model.num_classes=1: 'model.num_classes' must be between 2 and 2147483647, got 1"
        )
        #expect(
            errorMessage {
                try RecipeLoader.load(
                    yaml: "", sourceName: "r.yaml",
                    overrides: ["data.source=csv", "data.path=x.csv"])
            }
                == "--set data.source=csv: 'data.source' csv needs model.type bert_classifier, got mlp"
        )
    }

    /// `data.eval_path`: its table is the evaluation split (labels through `data.path`'s
    /// classes) and every row of `data.path` trains; a label outside those classes, or the key
    /// with another source, is one line.
    @Test func evalPathTableIsTheHeldOutSplit() throws {
        try Data("text,label\ncat,pos\nthe cat,pos\ndog,neg\n".utf8).write(to: url("e.csv"))
        let r = try recipe(
            "text,label\nthe,pos\ndog,neg\n",
            ["data.eval_path=\(url("e.csv").path)", "data.eval_fraction=0.5"])
        let (train, heldOut) = try task(r).trainAndEvalInputs()
        #expect(train.count == 2)
        let b = try #require(heldOut?.sequentialBatches().first)
        #expect(b.labels.int32s == [1, 1])
        #expect(b.inputWordIds.int32s[0..<4] == [2, 6, 3, 0])
        try Data("text,label\ncat,pos\nred,maybe\n".utf8).write(to: url("e.csv"))
        #expect(
            errorMessage { try task(r).trainAndEvalInputs() }
                == "\(url("e.csv").path):3: label 'maybe' in column 'label' is not a class of data.path's table (neg, pos)"
        )
        #expect(
            errorMessage {
                try RecipeLoader.load(
                    yaml: "", sourceName: "r.yaml", overrides: ["data.eval_path=e.csv"])
            }
                == "--set data.eval_path=e.csv: 'data.eval_path' needs data.source csv, got synthetic"
        )
    }

    /// Without `data.vocab`, the vocabulary comes from `train.init_checkpoint`'s run; with
    /// neither, one line says what to give.
    @Test func vocabularyIsRequiredWithoutAnInitCheckpoint() throws {
        let r = try recipe("text,label\nthe,a\ndog,b\n", ["data.vocab=null"])
        #expect(
            errorMessage { try task(r).buildInputs() }
                == "--set data.vocab=null: 'data.vocab' is required for model.type bert_classifier without train.init_checkpoint: the vocab.txt the encoder was pre-trained with (e.g. runs/bert_tiny/export/assets/vocab.txt)"
        )
    }

    /// The loss is the mean cross-entropy of the model's logits plus its regularization loss;
    /// the counts hold tp, fp and fn of both classes, at least one per row.
    @Test func lossAndMetrics() throws {
        let t = try task(try recipe("text,label\nthe,a\ndog,b\n"))
        #expect(t.metricNames == ["accuracy", "cross_entropy", "f1_0", "f1_1"])
        let batch = try #require(try t.buildInputs().sequentialBatches().first)
        let model = t.buildModel()
        let out = t.loss(model, on: batch, ForwardContext(training: false))
        #expect(out.counts.count == 6)
        #expect(out.counts.values.reduce(0, +) >= 2)
        let logits = model.call(leaves: batch.modelInputs, ForwardContext(training: false)).single
        let xent = logits.softmaxCrossEntropy(labels: batch.labels).mean().scalar
        #expect(out.metrics["cross_entropy"]?.scalar == xent)
        #expect(
            Swift.abs(out.loss.scalar - xent - model.root.regularizationLoss().scalar) < 1e-6)
    }

    /// The shipped tables are `SyntheticCorpus.topicSentences`: `Recipes/data/topics_train.csv`
    /// 200 rows of the first half of every topic's words (seed 13), `topics_eval.csv` 200 rows
    /// of the other half (seed 14), so the two share no content word;
    /// `RECORD_SNAPSHOTS=1 swift test --filter SentenceClassification` rewrites them.
    @Test(arguments: [("topics_train.csv", 0..<3, UInt64(13)), ("topics_eval.csv", 3..<6, 14)])
    func shippedTopicsTableIsTheGeneratedOne(name: String, words: Range<Int>, seed: UInt64) throws {
        let file = TestPaths.repositoryRoot.appendingPathComponent("Recipes/data/" + name)
        let rows = SyntheticCorpus.topicSentences(count: 200, words: words, seed: seed)
        func field(_ text: String) -> String {
            let quoted = text.contains(",") || text.contains("\"") || text.contains("\n")
            return quoted ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        let text =
            "text,label\n"
            + rows.map { field($0.text) + "," + $0.label + "\n" }
            .joined()
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
        #expect(try String(contentsOf: file, encoding: .utf8) == text)
        let table = try CSVTable.read(file)
        #expect(table.rows.map { $0.fields[0] } == rows.map(\.text))
        #expect(Set(table.rows.map { $0.fields[1] }) == Set(SyntheticCorpus.topicNames()))
    }

    /// The two halves share no content word: every word of a training sentence other than the
    /// grammar's function words is absent from the evaluation table.
    @Test func trainingAndEvaluationTopicsShareNoContentWord() {
        func words(_ range: Range<Int>, _ seed: UInt64) -> Set<Substring> {
            let rows = SyntheticCorpus.topicSentences(count: 200, words: range, seed: seed)
            let function: Set<Substring> = ["the", "a", "with", "near", "and", ".", ","]
            return Set(
                rows.flatMap { $0.text.split(whereSeparator: { $0 == " " || $0 == "," }) }
            ).subtracting(function)
        }
        let (train, eval) = (words(0..<3, 13), words(3..<6, 14))
        #expect(train.count == 8 * 9 && eval.count == 8 * 9)
        #expect(train.isDisjoint(with: eval))
    }
}
