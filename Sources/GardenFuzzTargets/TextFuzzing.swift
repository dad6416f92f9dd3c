import Foundation
import GardenRecipes
import GardenTrain

/// The text targets: a classifier's table (`data.path`), a `vocab.txt` (`data.vocab`) and a
/// pre-training corpus (`data.path` with `data.source: text`), each loaded as `garden train`
/// loads it: the recipe's task builds its training and evaluation examples and its run files.
enum TextFuzzing {
    /// The table as the classifier's `data.path` and `data.eval_path` (so the held-out labels
    /// map through the training table's classes), and parsed as TSV too.
    static func table(_ data: Data, in workspace: FuzzWorkspace) throws {
        _ = try? CSVTable.parse(data, format: .tsv, file: "table.tsv")
        try data.write(to: workspace.scratch(FuzzWorkspace.tableName))
        try buildExamples(workspace.tableRecipe.task)
    }

    /// The vocabulary under the fixed table, and every fixed text tokenized with it: ids stay
    /// inside the vocabulary.
    static func vocabulary(_ data: Data, in workspace: FuzzWorkspace) throws {
        let url = workspace.scratch(FuzzWorkspace.vocabularyName)
        try data.write(to: url)
        let vocabulary = try Vocabulary.read(url)
        for lowerCase in [true, false] {
            let tokenizer = WordPieceTokenizer(vocabulary: vocabulary, doLowerCase: lowerCase)
            for text in texts {
                for id in tokenizer.ids(text) where !(0..<Int32(vocabulary.count)).contains(id) {
                    fatalError("fuzz: id \(id) outside a vocabulary of \(vocabulary.count)")
                }
            }
        }
        try buildExamples(workspace.vocabularyRecipe.task)
    }

    /// The corpus: the vocabulary the pre-trainer builds from it (`data.vocab_size` tokens),
    /// and its examples.
    static func corpus(_ data: Data, in workspace: FuzzWorkspace) throws {
        try data.write(to: workspace.scratch(FuzzWorkspace.corpusName))
        try buildExamples(workspace.corpusRecipe.task)
    }

    /// Texts that reach the tokenizer's every branch: cases and accents, punctuation, CJK,
    /// control and combining characters, pieces and a word longer than 100 bytes.
    static let texts = [
        "Hello, world! Good bye.", "HÉLLO wörld ##s [UNK] [MASK]", "日本語のテキスト",
        "a\u{301}b\u{0}c\u{7}", "goods helloing", String(repeating: "x", count: 120), "", " \t\n",
    ]

    /// What `garden train` reads before its first step, with the task's checks.
    private static func buildExamples<Task: RecipeTask>(_ task: Task) throws {
        let (train, eval) = try task.trainAndEvalInputs()
        _ = train.batch(at: 0)
        _ = eval?.sequentialBatches()
        _ = try task.runFiles()
    }
}
