import ArgumentParser
import Foundation
import GardenTrain

/// `garden tokenize` (hidden): WordPiece ids of each line of a text file under a `vocab.txt`,
/// with the tokenizer training uses; the conformance suite compares it with BERT's Python code.
struct Tokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the WordPiece ids of each line of a text file (one line of ids per line).",
        shouldDisplay: false)

    @Option(help: "The vocab.txt (e.g. <export>/assets/vocab.txt).")
    var vocab: String
    @Option(help: "A UTF-8 text file; each line is tokenized on its own.")
    var input: String
    @Flag(help: "Keep case and accents (a cased vocabulary).")
    var cased = false

    func run() throws {
        try runReportingErrors {
            let vocabulary = try Vocabulary.read(URL(fileURLWithPath: vocab))
            let tokenizer = WordPieceTokenizer(vocabulary: vocabulary, doLowerCase: !cased)
            guard let data = FileManager.default.contents(atPath: input),
                  let text = String(data: data, encoding: .utf8)
            else { throw ValidationError("\(input): cannot read a UTF-8 text file (--input)") }
            var lines = text.components(separatedBy: "\n")
            if lines.last == "" { lines.removeLast() }
            for line in lines {
                print(tokenizer.ids(line).map(String.init).joined(separator: " "))
            }
        }
    }
}
