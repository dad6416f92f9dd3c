import Foundation
import GardenTrain

/// `garden-bench tokenize --vocab VOCAB --input TEXT [--cased true] [--repeats R]`: times WordPiece
/// ids for every line of a text file (what `garden tokenize` and BERT pre-training on a corpus
/// do), the file already read, as one JSON line. The peer (scripts/bench_peers/wordpiece.py)
/// times tensorflow_text's `BertTokenizer` on the same lines; both report the token count, so
/// the two did the same work.
enum TokenizeBenchmark {
    static func run(_ args: BenchArguments) throws {
        let vocabPath = try args.required("vocab", "VOCAB", for: "tokenize")
        let inputPath = try args.required("input", "TEXT", for: "tokenize")
        let repeats = max(try args.int("repeats", 3), 1)
        let cased = args.value("cased") == "true"
        let vocabulary = try Vocabulary.read(URL(fileURLWithPath: vocabPath))
        let tokenizer = WordPieceTokenizer(vocabulary: vocabulary, doLowerCase: !cased)
        let data = try TextFile.contents(of: inputPath, limit: TextFile.dataLimit)
        let (lines, invalidLine) = TextLines.split(data)
        if let invalidLine {
            throw BenchError.usage("\(inputPath): line \(invalidLine) is not UTF-8")
        }
        var samples: [Double] = []
        var tokens = 0
        for _ in 0..<repeats {
            var count = 0
            samples.append(
                Stopwatch.seconds {
                    for line in lines { count += tokenizer.ids(line).count }
                })
            tokens = count
        }
        let seconds = Stopwatch.median(samples)
        print(
            JSONValue.object([
                ("bench", .string("tokenize")), ("impl", .string("swiftgarden")),
                ("lines", .int(lines.count)), ("bytes", .int(data.count)),
                ("tokens", .int(tokens)),
                ("median_seconds", .number(seconds)),
                ("samples_seconds", .array(samples.map { .number($0) })),
                ("megabytes_per_second", .number(Double(data.count) / 1e6 / seconds)),
            ]).text)
    }
}
