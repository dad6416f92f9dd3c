import Foundation
import GardenModels
import GardenTensor
import GardenTrain

/// The examples of `model.type: bert_classifier`: the rows of the CSV (or TSV) table of
/// `data.path`, each text tokenized with the recipe's vocabulary (the same WordPiece tokenizer
/// as `garden tokenize`) and packed by `BertPackInputs` to `data.seq_length`, and each label
/// mapped to a class id.
///
/// Labels: when every value of the label column is a decimal integer, it is the class id
/// (`0..<model.num_classes`); otherwise the values are class names, and the class ids are
/// their positions in the sorted list of distinct names (sorted by Unicode code points, as
/// Python's `sorted`), whose length must be `model.num_classes`. The list is written as
/// `labels.txt` (one name a line, line i is class i) into the model directory and the export.
enum SentenceData {
    /// Every row of the table of `data.path` (or of `evalTable`, `data.eval_path`, whose labels
    /// map through the classes of `data.path`'s table) as a batch.
    static func load(_ recipe: Recipe, _ c: BertClassifier.Config, evalTable: String? = nil)
        throws -> SentenceBatch
    {
        var (table, path) = try readTable(recipe)
        var ids = try labels(table, recipe, c, file: path).ids
        if let evalTable {
            let names = try labels(table, recipe, c, file: path).names
            path = evalTable
            table = try CSVTable.read(URL(fileURLWithPath: path))
            ids = try labels(table, recipe, c, file: path, classes: names).ids
        }
        let d = recipe.data
        let textColumn = try table.column(d.textColumn, key: "data.text_column", file: path)
        let pairColumn = try d.textBColumn.map {
            try table.column($0, key: "data.text_b_column", file: path)
        }
        let vocab = try BertFamily.vocabulary(recipe)
        let rows = BertFamily.vocabSize(recipe, c.encoder)
        if vocab.count > rows {
            throw VocabularyError.tooLarge(
                source: recipe.data.vocab ?? "the vocabulary", count: vocab.count, limit: rows)
        }
        let tokenizer = WordPieceTokenizer(vocabulary: vocab, doLowerCase: BertFamily.doLowerCase)
        let packer = BertPackInputs(seqLength: d.seqLength, vocabulary: vocab)
        var words: [Int32] = [], mask: [Int32] = [], types: [Int32] = []
        for row in table.rows {
            let segments = [textColumn] + (pairColumn.map { [$0] } ?? [])
            let packed = packer.pack(segments.map { tokenizer.ids(row.fields[$0]) })
            words += packed.wordIds; mask += packed.mask; types += packed.typeIds
        }
        let shape = [table.rows.count, d.seqLength]
        return SentenceBatch(
            inputWordIds: Tensor(int32: words, shape: shape),
            inputMask: Tensor(int32: mask, shape: shape),
            inputTypeIds: Tensor(int32: types, shape: shape),
            labels: Tensor(int32: ids, shape: [table.rows.count]))
    }

    /// The class names, line i naming class i: the sorted distinct names of the label column,
    /// or `0`, `1`, ... for integer labels.
    static func classNames(_ recipe: Recipe, _ c: BertClassifier.Config) throws -> [String] {
        let (table, path) = try readTable(recipe)
        return try labels(table, recipe, c, file: path).names
    }

    /// `labels.txt`: one class name a line.
    static func labelsFile(_ names: [String]) -> Data {
        Data(names.map { $0 + "\n" }.joined().utf8)
    }

    /// The table of `data.path`, refused when it leaves fewer than a batch of training rows.
    static func readTable(_ recipe: Recipe) throws -> (CSVTable, String) {
        let d = recipe.data
        let path = d.path ?? ""
        let table = try CSVTable.read(URL(fileURLWithPath: path))
        let n = table.rows.count
        // The packed examples (three int32 rows of seq_length each, and the eval split's copy)
        // must fit the machine's memory, checked before they are made.
        let bytes = n.multipliedReportingOverflow(by: d.seqLength * 3 * 4 * 2)
        if bytes.overflow || bytes.partialValue > MemoryEstimate.physicalMemory {
            throw CSVError(
                file: path, line: nil,
                problem:
                    "the table's \(n) rows at data.seq_length \(d.seqLength) need more than this machine's \(MemoryEstimate.describe(MemoryEstimate.physicalMemory)) of memory"
            )
        }
        let held = d.evalExamples(of: n)
        if n - held < d.batchSize {
            throw CSVError(
                file: path, line: nil,
                problem:
                    "the table has \(n) rows, expected at least data.batch_size (\(d.batchSize))"
                    + (held > 0 ? " besides the \(held) that data.eval_fraction holds out" : ""))
        }
        return (table, path)
    }

    /// The class id of every row and the class names (see the type's comment); with
    /// `classes` (the names of the training table), each label must be one of them.
    static func labels(
        _ table: CSVTable, _ recipe: Recipe, _ c: BertClassifier.Config, file: String,
        classes given: [String]? = nil
    )
        throws -> (ids: [Int32], names: [String])
    {
        let key = "data.label_column"
        let column = try table.column(recipe.data.labelColumn, key: key, file: file)
        let values = table.rows.map { $0.fields[column] }
        let classes = c.numClasses
        let isInteger = { (v: String) in
            !v.isEmpty && v.utf8.allSatisfy { (0x30...0x39).contains($0) }
        }
        for (row, value) in zip(table.rows, values) {
            if value.isEmpty {
                throw CSVError(
                    file: file, line: row.line,
                    problem:
                        "the label in column '\(recipe.data.labelColumn)' is empty; expected a class id or a class name"
                )
            }
            if value.contains(where: \.isNewline) {
                throw CSVError(
                    file: file, line: row.line,
                    problem:
                        "the label in column '\(recipe.data.labelColumn)' holds a line break; expected a class id or a one-line class name"
                )
            }
        }
        if let given {
            let index = Dictionary(uniqueKeysWithValues: given.enumerated().map { ($1, Int32($0)) })
            return (
                try zip(table.rows, values).map { row, value in
                    guard let id = index[value] else {
                        throw CSVError(
                            file: file, line: row.line,
                            problem:
                                "label '\(value)' in column '\(recipe.data.labelColumn)' is not a class of data.path's table (\(given.prefix(10).joined(separator: ", "))\(given.count > 10 ? ", ..." : ""))"
                        )
                    }
                    return id
                }, given
            )
        }
        if values.allSatisfy(isInteger) {
            var ids: [Int32] = []
            for (row, value) in zip(table.rows, values) {
                guard let id = Int(value), id < classes else {
                    throw CSVError(
                        file: file, line: row.line,
                        problem:
                            "label \(value) in column '\(recipe.data.labelColumn)', expected a class id in 0..<\(classes) (model.num_classes)"
                    )
                }
                ids.append(Int32(id))
            }
            return (ids, (0..<classes).map(String.init))
        }
        // Code-point order (Python's `sorted`), not Swift's `<`, which compares canonically.
        let names = Set(values).sorted {
            Array($0.unicodeScalars.map(\.value)).lexicographicallyPrecedes(
                $1.unicodeScalars.map(\.value))
        }
        guard names.count == classes else {
            let shown = names.prefix(10).joined(separator: ", ") + (names.count > 10 ? ", ..." : "")
            throw CSVError(
                file: file, line: nil,
                problem:
                    "column '\(recipe.data.labelColumn)' has \(names.count) class name\(names.count == 1 ? "" : "s") (\(shown)), expected model.num_classes (\(classes))"
            )
        }
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, Int32($0)) })
        return (values.map { index[$0] ?? 0 }, names)
    }

    /// The vocabulary of the pre-training run `train.init_checkpoint` names, rebuilt from the
    /// recipe its checkpoint stores (its `data.vocab`, or its corpus and `data.vocab_size`), so
    /// the ids are those the encoder was trained with.
    static func pretrainingVocabulary(_ recipe: Recipe) throws -> Vocabulary {
        func refuse(_ reason: String) -> Error {
            recipe.located(
                RecipeError.invalidValue(location: nil, path: "data.vocab", reason: reason))
        }
        guard let given = recipe.train.initCheckpoint else {
            throw refuse(
                "is required for model.type bert_classifier without train.init_checkpoint: the vocab.txt the encoder was pre-trained with (e.g. runs/bert_tiny/export/assets/vocab.txt)"
            )
        }
        let (file, checkpoint, note) = try Restore.read(InitCheckpoint.resolve(given))
        guard note == nil else {
            throw refuse(
                "is required: train.init_checkpoint '\(given)' is a TensorFlow checkpoint, which carries no vocabulary; give the vocab.txt it was trained with"
            )
        }
        let source = try RecipeLoader.load(yaml: checkpoint.recipe, sourceName: file.path)
        switch source.model {
        case .bertPretrainer, .bertClassifier:
            return try BertFamily.vocabulary(source)
        default:
            throw refuse(
                "is required: train.init_checkpoint '\(given)' is a \(source.model.typeName) checkpoint, which has no vocabulary"
            )
        }
    }
}
