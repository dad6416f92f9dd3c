import Foundation
import GardenHDF5
import GardenRecipes
import GardenTrain

/// The fixed files the fuzz targets run against, made once per process in a fresh temporary
/// folder: include fragments for recipes, and a tiny MLP trained for 2 steps with its
/// checkpoint, export and an inputs file (the seeds of the reader targets).
public final class FuzzWorkspace: @unchecked Sendable {
    /// The folder.
    public let root: URL
    /// Where fuzzed recipes live and look up their includes (`Configs/` holds fragments).
    public let recipes: URL
    /// The recipe of the trained MLP.
    public let recipe: Recipe
    /// Its checkpoint, export and a valid predict input.
    public let checkpoint: URL, export: URL, inputs: URL
    /// The text targets' recipes: a BERT classifier reading the scratch table with the fixed
    /// vocabulary, the same reading the fixed table with the scratch vocabulary, and a BERT
    /// pre-trainer reading the scratch corpus.
    let tableRecipe: Recipe, vocabularyRecipe: Recipe, corpusRecipe: Recipe

    /// The scratch files of the text targets.
    static let tableName = "table.csv", vocabularyName = "vocab.txt", corpusName = "corpus.txt"

    /// The fixed vocabulary and table (also the text targets' seeds).
    static let vocabulary =
        (Vocabulary.specialTokens + [
            "hello", "world", "good", "bye", "##s", "##ing", "a", "b", "c", "##a", "##b", ".", ",",
            "!", "日", "本",
        ]).joined(separator: "\n") + "\n"
    static let table =
        "text,label\nhello world,greeting\n\"good bye, world\",farewell\nbye,farewell\n"
    static let corpus =
        "Hello world. Good bye world!\nA b c. Hello again?\n\nOne more paragraph. And its end.\n"

    /// A classifier of 2 classes and a pre-trainer, both tiny; `data` overrides come after.
    static let textModel = [
        "model.hidden_size=8", "model.num_layers=1", "model.num_attention_heads=2",
        "model.intermediate_size=16", "model.max_sequence_length=16", "data.seq_length=16",
        "data.batch_size=2", "train.threads=1",
    ]

    /// The recipe of the trained model: small enough to train and predict in milliseconds.
    static let mlpRecipe = """
        name: fuzz
        model: {type: mlp, input_size: 4, hidden_sizes: [8], num_classes: 3}
        data: {num_examples: 64, batch_size: 8}
        train: {steps: 2, checkpoint_every: 2, log_every: 2, eval_every: 2, threads: 1}
        """

    /// Include fragments: a diamond (`top` includes `left` and `right`, both include `base`).
    static let fragments = [
        "base.yaml": "seed: 7\ndata: {num_examples: 64, batch_size: 8}\n",
        "left.yaml": "include: base.yaml\nmodel: {type: mlp, hidden_sizes: [8]}\n",
        "right.yaml": "include: [base.yaml]\ntrain: {steps: 3}\n",
        "top.yaml": "include: [left.yaml, right.yaml]\n",
        "cycle_a.yaml": "include: cycle_b.yaml\n",
        "cycle_b.yaml": "include: cycle_a.yaml\n",
    ]

    /// Makes the workspace in a folder of its own under the system's temporary folder
    /// (`mkdtemp`: tests make several in one process, each removing its own).
    public init() throws {
        var template = Array(
            FileManager.default.temporaryDirectory.appendingPathComponent("garden-fuzz-XXXXXX")
                .path.utf8CString)
        guard
            let made = template.withUnsafeMutableBufferPointer({ $0.baseAddress.flatMap(mkdtemp) })
        else {
            throw CocoaError(.fileWriteUnknown)
        }
        root = URL(fileURLWithPath: String(cString: made), isDirectory: true)
        recipes = root.appendingPathComponent("recipes", isDirectory: true)
        let configs = root.appendingPathComponent("Configs", isDirectory: true)
        try FileManager.default.createDirectory(at: recipes, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: configs, withIntermediateDirectories: true)
        for (name, text) in Self.fragments {
            try Data(text.utf8).write(to: configs.appendingPathComponent(name))
        }
        recipe = try RecipeLoader.load(yaml: Self.mlpRecipe, sourceName: "fuzz.yaml")
        let modelDir = root.appendingPathComponent("model", isDirectory: true)
        _ = try Training.run(recipe, modelDir: modelDir, log: { _ in })
        checkpoint = modelDir.appendingPathComponent("checkpoints/ckpt-000002.h5")
        export = modelDir.appendingPathComponent("export", isDirectory: true)
        try Exporting.run(
            recipe, checkpoint: checkpoint, out: export, overwrite: true, log: { _ in })
        let fixedVocabulary = root.appendingPathComponent("fixed-vocab.txt")
        let fixedTable = root.appendingPathComponent("fixed-table.csv")
        try Data(Self.vocabulary.utf8).write(to: fixedVocabulary)
        try Data(Self.table.utf8).write(to: fixedTable)
        func classifier(table: URL, vocabulary: URL) throws -> Recipe {
            try RecipeLoader.load(
                yaml: "name: fuzz_text", sourceName: "fuzz_text.yaml",
                overrides: Self.textModel + [
                    "model.type=bert_classifier", "model.num_classes=2", "data.source=csv",
                    "data.path=\(table.path)", "data.eval_path=\(table.path)",
                    "data.vocab=\(vocabulary.path)", "train.init_checkpoint=null",
                ])
        }
        tableRecipe = try classifier(
            table: root.appendingPathComponent(Self.tableName), vocabulary: fixedVocabulary)
        vocabularyRecipe = try classifier(
            table: fixedTable, vocabulary: root.appendingPathComponent(Self.vocabularyName))
        corpusRecipe = try RecipeLoader.load(
            yaml: "name: fuzz_text", sourceName: "fuzz_text.yaml",
            overrides: Self.textModel + [
                "model.type=bert_pretrainer", "data.source=text",
                "data.path=\(root.appendingPathComponent(Self.corpusName).path)",
                "data.vocab_size=64", "data.num_examples=4", "data.max_predictions_per_seq=2",
            ])
        inputs = root.appendingPathComponent("inputs.h5")
        try HDF5File.atomicallyWrite(to: inputs) { file in
            try file.write((0..<12).map { Float($0) / 12 }, shape: [3, 4], at: "inputs")
        }
    }

    /// Whether `url` is a file (the recipe folders hold data folders too: `Recipes/data`).
    private func isFile(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
            && !isDirectory.boolValue
    }

    /// A scratch path in the workspace (rewritten by every run).
    func scratch(_ name: String) -> URL { root.appendingPathComponent(name) }

    /// Writes the seed inputs of `target` into `directory` (for `scripts/fuzz`).
    /// - Parameters:
    ///   - target: The target.
    ///   - directory: The corpus folder; created when missing.
    ///   - repository: The repository root, whose `Recipes/` and `Configs/` seed `recipe`.
    /// - Throws: The file system's error when a seed cannot be read or written.
    public func writeSeeds(of target: FuzzTarget, to directory: URL, repository: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        func copy(_ file: URL, as name: String) throws {
            try Data(contentsOf: file).write(to: directory.appendingPathComponent(name))
        }
        switch target {
        case .recipe:
            for folder in ["Recipes", "Configs/models", "Configs/optimizers"] {
                let url = repository.appendingPathComponent(folder)
                for name in (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
                where isFile(url.appendingPathComponent(name)) {
                    try copy(
                        url.appendingPathComponent(name),
                        as: folder.replacingOccurrences(of: "/", with: "_") + "_" + name)
                }
            }
            try Data((Self.mlpRecipe + "\n#--set train.steps=5\n").utf8)
                .write(to: directory.appendingPathComponent("fuzz_mlp.yaml"))
            try Data("include: top.yaml\n#--set model.hidden_sizes=[4, 4]\n".utf8)
                .write(to: directory.appendingPathComponent("fuzz_diamond.yaml"))
        case .checkpoint:
            try copy(checkpoint, as: "ckpt-000002.h5")
        case .bundle:
            let variables = export.appendingPathComponent("variables/variables")
            let index = try Data(contentsOf: URL(fileURLWithPath: variables.path + ".index"))
            let data = try Data(
                contentsOf: URL(fileURLWithPath: variables.path + ".data-00000-of-00001"))
            try (ReaderFuzzing.bundleHeader(indexCount: index.count) + index + data)
                .write(to: directory.appendingPathComponent("variables.bundle"))
        case .savedModel:
            try copy(export.appendingPathComponent("saved_model.pb"), as: "saved_model.pb")
        case .predictInput:
            try copy(inputs, as: "inputs.h5")
        case .table:
            try Data(Self.table.utf8).write(to: directory.appendingPathComponent("table.csv"))
            try Data("text,label\r\n\"two\nlines, \"\"quoted\"\"\",0\r\nÉté 日本,1\r\n".utf8)
                .write(to: directory.appendingPathComponent("ids.csv"))
        case .vocabulary:
            try Data(Self.vocabulary.utf8).write(to: directory.appendingPathComponent("vocab.txt"))
        case .corpus:
            try Data(Self.corpus.utf8).write(to: directory.appendingPathComponent("corpus.txt"))
        }
    }
}
