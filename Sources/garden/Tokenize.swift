import ArgumentParser
import Foundation
import GardenTrain

/// `garden tokenize` (hidden): WordPiece ids of each line of a text file under a `vocab.txt`,
/// with the tokenizer training uses, which equals tensorflow_text's
/// `BertTokenizer(vocab, lower_case=...)` (the conformance suite checks it on random Unicode).
struct Tokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the WordPiece ids of each line of a text file (one line of ids per line).",
        shouldDisplay: false)

    @Option(help: "The vocab.txt (e.g. <export>/assets/vocab.txt).")
    var vocab: String
    @Option(help: "A UTF-8 text file; each line (split at \\n only) is tokenized on its own.")
    var input: String
    @Flag(help: "Keep case and accents (a cased vocabulary: tensorflow_text's lower_case=False).")
    var cased = false

    func run() throws {
        try runCommand {
            let vocabulary = try Vocabulary.read(URL(fileURLWithPath: vocab))
            let tokenizer = WordPieceTokenizer(vocabulary: vocabulary, doLowerCase: !cased)
            let data: Data
            do {
                data = try TextFile.contents(of: input, limit: TextFile.dataLimit)
            } catch TextFile.Failure.tooLarge(let limit) {
                throw ValidationError("\(input): the file is larger than \(limit) bytes (--input)")
            } catch {
                throw ValidationError("\(input): cannot read the file (--input)")
            }
            let (lines, invalidLine) = TextLines.split(data)
            if let invalidLine {
                throw ValidationError("\(input): line \(invalidLine) is not valid UTF-8 (--input)")
            }
            var output = ""
            for line in lines {
                output += tokenizer.ids(line).map(String.init).joined(separator: " ")
                output += "\n"
            }
            FileHandle.standardOutput.write(Data(output.utf8))
        }
    }
}
