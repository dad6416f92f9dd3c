import Foundation
import GardenNN
import GardenTensor
import GardenTestSupport
import GardenTrain
import Testing

@Suite("CSV and TSV tables")
struct CSVTableTests {
    func parse(_ text: String, _ format: CSVTable.Format = .csv) throws -> CSVTable {
        try CSVTable.parse(Data(text.utf8), format: format, file: "t.csv")
    }

    /// RFC 4180: quoted fields hold the separator, line breaks and doubled quotes; CRLF and LF
    /// both end records; empty lines are skipped; each row knows the line it starts on.
    @Test func quotedFieldsFollowRFC4180() throws {
        let table = try parse(
            "text,label\r\n\"a, b\",x\r\n\"say \"\"hi\"\"\",y\n\n\"two\nlines\",z\nplain,\"\"\n")
        #expect(table.header == ["text", "label"])
        #expect(
            table.rows.map(\.fields) == [
                ["a, b", "x"], ["say \"hi\"", "y"], ["two\nlines", "z"], ["plain", ""],
            ])
        #expect(table.rows.map(\.line) == [2, 3, 5, 7])
    }

    /// The last record needs no line end; an empty unquoted field is empty.
    @Test func lastRecordWithoutLineEnd() throws {
        let table = try parse("a,b,c\n1,,3")
        #expect(table.rows.map(\.fields) == [["1", "", "3"]])
    }

    /// TSV has no quoting: a `"` is text, as in GLUE's files.
    @Test func tsvKeepsQuotesAsText() throws {
        let table = try parse("text\tlabel\n\"quoted\" word\t1\n", .tsv)
        #expect(table.rows.map(\.fields) == [["\"quoted\" word", "1"]])
        #expect(CSVTable.Format(path: "dev.TSV") == .tsv)
        #expect(CSVTable.Format(path: "dev.csv") == .csv)
    }

    @Test func errorsNameFileLineAndExpectation() {
        #expect(
            errorMessage { try parse("text,label\n\"open,x\nmore\n") }
                == "t.csv:2: the quoted field opened on this line is not closed; expected a closing '\"' before the end of the file"
        )
        #expect(
            errorMessage { try parse("text,label\n\"a\"b,x\n") }
                == "t.csv:2: expected ',' or the end of the line after a closing '\"', found 'b'")
        #expect(
            errorMessage { try parse("text,label\nsay \"hi\",x\n") }
                == "t.csv:2: a '\"' inside an unquoted field; expected the whole field in quotes with each '\"' doubled"
        )
        #expect(
            errorMessage { try parse("text,label\na,b\nonly\n") }
                == "t.csv:3: found 1 field, expected 2 (as the header)")
        #expect(
            errorMessage { try parse("text,text\na,b\n") }
                == "t.csv:1: the header names column 'text' twice")
        #expect(
            errorMessage { try parse("text,\na,b\n") }
                == "t.csv:1: the header has an empty column name")
        #expect(
            errorMessage { try parse("") } == "t.csv:1: expected a header row, found an empty file")
        #expect(
            errorMessage {
                try CSVTable.parse(Data([0x74, 0x0A, 0xFF, 0x0A]), format: .csv, file: "t.csv")
            } == "t.csv:2: the text is not valid UTF-8")
        #expect(
            errorMessage {
                try parse("text,label\na,b\n").column(
                    "label2", key: "data.label_column", file: "t.csv")
            }
                == "t.csv:1: no column 'label2' (data.label_column) in the header; columns: text, label"
        )
    }
}

@Suite("BERT input packing")
struct BertPackInputsTests {
    /// tensorflow_text's documented example: budget 5 over [3, 4, 2] gives [2, 2, 1].
    @Test func roundRobinAllocation() {
        #expect(BertPackInputs.roundRobinLengths([3, 4, 2], budget: 5) == [2, 2, 1])
        #expect(BertPackInputs.roundRobinLengths([1, 9], budget: 6) == [1, 5])
        #expect(BertPackInputs.roundRobinLengths([9, 9], budget: 5) == [3, 2])
        #expect(BertPackInputs.roundRobinLengths([2, 3], budget: 9) == [2, 3])
    }

    /// seq 8, a pair of 5 and 4 tokens: budget 5 keeps 3 + 2; type 0 through the first
    /// `[SEP]`, 1 after.
    @Test func pairIsTruncatedRoundRobinAndTyped() {
        let packer = BertPackInputs(seqLength: 8, clsID: 2, sepID: 3)
        let p = packer.pack([[10, 11, 12, 13, 14], [20, 21, 22, 23]])
        #expect(p.wordIds == [2, 10, 11, 12, 3, 20, 21, 3])
        #expect(p.typeIds == [0, 0, 0, 0, 0, 1, 1, 1])
        #expect(p.mask == [1, 1, 1, 1, 1, 1, 1, 1])
    }

    @Test func singleSegmentIsPadded() {
        let packer = BertPackInputs(seqLength: 6, clsID: 2, sepID: 3)
        let p = packer.pack([[7, 8]])
        #expect(p.wordIds == [2, 7, 8, 3, 0, 0])
        #expect(p.mask == [1, 1, 1, 1, 0, 0])
        #expect(p.typeIds == [0, 0, 0, 0, 0, 0])
        #expect(packer.pack([[1, 2, 3, 4, 5, 6]]).wordIds == [2, 1, 2, 3, 4, 3])
    }
}

@Suite("Per-class F1")
struct ClassF1Tests {
    /// Predictions (argmax) [0, 1, 1, 2, 2, 0] against labels [0, 1, 2, 2, 0, 0]:
    /// class 0: tp 2 (rows 0, 5), fp 0, fn 1 (row 4) → F1 = 4/5;
    /// class 1: tp 1 (row 1), fp 1 (row 2), fn 0 → 2/3;
    /// class 2: tp 1 (row 3), fp 1 (row 4), fn 1 (row 2) → 1/2.
    /// Split into batches of two, the summed counts give the same F1, which a mean of the
    /// batches' F1 would not.
    @Test func f1FromSummedCountsMatchesHandComputedValues() {
        let predicted = [0, 1, 1, 2, 2, 0]
        let labels: [Int32] = [0, 1, 2, 2, 0, 0]
        let logits = predicted.flatMap { p in (0..<3).map { Float($0 == p ? 1 : 0) } }
        let whole = ClassF1.counts(
            Tensor(logits, shape: [6, 3]), Tensor(int32: labels, shape: [6]), classes: 3)
        var summed: [String: Double] = [:]
        for b in 0..<3 {
            let part = ClassF1.counts(
                Tensor(Array(logits[(b * 6)..<(b * 6 + 6)]), shape: [2, 3]),
                Tensor(int32: Array(labels[(b * 2)..<(b * 2 + 2)]), shape: [2]), classes: 3)
            summed.merge(part, uniquingKeysWith: +)
        }
        #expect(summed == whole)
        let f1 = ClassF1.scores(summed, classes: 3)
        #expect(f1 == ["f1_0": Float(4.0 / 5), "f1_1": Float(2.0 / 3), "f1_2": 0.5])
        #expect(ClassF1.scores([:], classes: 1) == ["f1_0": 0])
        #expect(ClassF1.names(classes: 11).prefix(3) == ["f1_0", "f1_1", "f1_10"])
    }
}

/// A task whose "model" is its input: each row's inputs are its logits, so evaluation's
/// per-class F1 can be checked against hand-computed values.
struct LogitsAreInputsTask: TrainingTask {
    func buildModel() -> Module { Module(name: "none") }
    func buildInputs() throws -> InMemoryDataset<SupervisedBatch> {
        throw CocoaError(.featureUnsupported)
    }
    func parameters(of model: Module) -> Module { model }
    var metricNames: [String] { ["f1_0", "f1_1", "f1_2"] }
    func loss(_ model: Module, on batch: SupervisedBatch, _ ctx: ForwardContext) -> TaskLoss {
        TaskLoss(
            loss: Tensor(0), metrics: [:],
            counts: ClassF1.counts(batch.inputs, batch.targets, classes: 3))
    }
    func metrics(fromCounts counts: [String: Double]) -> [String: Float] {
        ClassF1.scores(counts, classes: 3)
    }
}

@Suite("Evaluation of metrics from counts")
struct EvaluatorCountsTests {
    /// The rows of `ClassF1Tests` in batches of 2: the evaluation's F1 is that of the whole
    /// split (4/5, 2/3, 1/2), not the mean of the batches' F1.
    @Test func evaluatorSumsCountsOverTheWholeSplit() {
        let predicted = [0, 1, 1, 2, 2, 0]
        let logits = predicted.flatMap { p in (0..<3).map { Float($0 == p ? 1 : 0) } }
        let data = InMemoryDataset(
            SupervisedBatch(
                inputs: Tensor(logits, shape: [6, 3]),
                targets: Tensor(int32: [0, 1, 2, 2, 0, 0], shape: [6])),
            batchSize: 2, seed: 1)
        let task = LogitsAreInputsTask()
        let values = Evaluator.evaluate(task, task.buildModel(), on: data, seed: 1, step: 1)
        #expect(values["f1_0"] == Float(4.0 / 5))
        #expect(values["f1_1"] == Float(2.0 / 3))
        #expect(values["f1_2"] == 0.5)
        #expect(values["loss"] == 0)
    }
}
