import Foundation

/// A WordPiece vocabulary: one token per line of `vocab.txt`, the line number is the id.
///
/// Built vocabularies start with the special tokens `[PAD]` (id 0), `[UNK]`, `[CLS]`, `[SEP]`,
/// `[MASK]`; a vocabulary read from a file must contain them somewhere.
public struct Vocabulary: Equatable, Sendable {
    public static let pad = "[PAD]", unk = "[UNK]", cls = "[CLS]", sep = "[SEP]", mask = "[MASK]"
    /// The special tokens, in the order a built vocabulary starts with.
    public static let specialTokens = [pad, unk, cls, sep, mask]

    /// Tokens by id.
    public let tokens: [String]
    private let ids: [String: Int32]

    /// A vocabulary from its tokens in id order.
    ///
    /// - Throws: `VocabularyError` for a repeated token or a missing special token.
    public init(tokens: [String], source: String = "vocabulary") throws {
        var ids: [String: Int32] = [:]
        for (i, t) in tokens.enumerated() {
            guard ids[t] == nil else { throw VocabularyError.duplicate(source: source, token: t, line: i + 1) }
            ids[t] = Int32(i)
        }
        for s in Self.specialTokens where ids[s] == nil {
            throw VocabularyError.missingSpecial(source: source, token: s)
        }
        self.tokens = tokens; self.ids = ids
    }

    /// A vocabulary whose tokens are known to be unique and to include the special tokens.
    init(checkedTokens tokens: [String]) {
        self.tokens = tokens
        ids = Dictionary(tokens.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
    }

    /// Reads `vocab.txt` (one token per line, surrounding whitespace ignored, as BERT's
    /// `load_vocab` does).
    public static func read(_ url: URL) throws -> Vocabulary {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw VocabularyError.unreadable(path: url.path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw VocabularyError.unreadable(path: url.path)
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if lines.last == "" { lines.removeLast() }
        return try Vocabulary(tokens: lines, source: url.path)
    }

    public var count: Int { tokens.count }
    public func contains(_ token: String) -> Bool { ids[token] != nil }
    /// The id of `token`, or of `[UNK]`.
    public func id(_ token: String) -> Int32 { ids[token] ?? ids[Self.unk] ?? 0 }
    /// The id of a token known to be present (the special tokens).
    public func specialID(_ token: String) -> Int32 { ids[token] ?? 0 }

    /// The `vocab.txt` bytes: one token per line, each line ending in `\n`.
    public var fileContents: Data { Data(tokens.map { $0 + "\n" }.joined().utf8) }
}

/// A vocabulary file that cannot be used. Messages name the file.
public enum VocabularyError: Error, LocalizedError, Equatable {
    case unreadable(path: String)
    case duplicate(source: String, token: String, line: Int)
    case missingSpecial(source: String, token: String)
    case tooLarge(source: String, count: Int, limit: Int)

    public var errorDescription: String? {
        switch self {
        case let .unreadable(p): return "\(p): cannot read the vocabulary (expected a UTF-8 vocab.txt, one token per line)"
        case let .duplicate(s, t, l): return "\(s): line \(l): token '\(t)' appears twice"
        case let .missingSpecial(s, t): return "\(s): the vocabulary has no \(t) token (need \(Vocabulary.specialTokens.joined(separator: ", ")))"
        case let .tooLarge(s, c, l): return "\(s): the vocabulary has \(c) tokens, more than model.vocab_size \(l)"
        }
    }
}
