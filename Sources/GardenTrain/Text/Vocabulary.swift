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
    /// Ids by the tokens' UTF-8 bytes: TensorFlow's lookup table compares bytes, while Swift's
    /// `String` equality would match canonically equivalent spellings (`é` and `e` + U+0301).
    private let ids: [TokenBytes: Int32]
    /// The UTF-8 length of the longest token: WordPiece tries no longer candidate.
    let longestTokenBytes: Int

    /// A vocabulary from its tokens in id order.
    ///
    /// - Throws: `VocabularyError` for a repeated token or a missing special token.
    public init(tokens: [String], source: String = "vocabulary") throws {
        var ids: [TokenBytes: Int32] = [:]
        for (i, t) in tokens.enumerated() {
            guard ids[TokenBytes(t)] == nil else {
                throw VocabularyError.duplicate(source: source, token: t, line: i + 1)
            }
            ids[TokenBytes(t)] = Int32(i)
        }
        for s in Self.specialTokens where ids[TokenBytes(s)] == nil {
            throw VocabularyError.missingSpecial(source: source, token: s)
        }
        self.init(tokens: tokens, ids: ids)
    }

    /// A vocabulary whose tokens are known to be unique and to include the special tokens.
    init(checkedTokens tokens: [String]) {
        self.init(
            tokens: tokens,
            ids: Dictionary(
                tokens.enumerated().map { (TokenBytes($1), Int32($0)) },
                uniquingKeysWith: { a, _ in a }))
    }

    /// The one place the stored properties are set, `longestTokenBytes` derived from `tokens`.
    private init(tokens: [String], ids: [TokenBytes: Int32]) {
        self.tokens = tokens
        self.ids = ids
        longestTokenBytes = tokens.map(\.utf8.count).max() ?? 0
    }

    /// Reads `vocab.txt`: one token per line, the whole line (without its `\n` or `\r\n`),
    /// as TensorFlow's `TextFileIdTableInitializer` keys tensorflow_text's lookup table.
    /// At most `TextFile.vocabularyLimit` bytes.
    public static func read(_ url: URL) throws -> Vocabulary {
        let data: Data
        do {
            data = try TextFile.contents(of: url.path, limit: TextFile.vocabularyLimit)
        } catch TextFile.Failure.tooLarge(let limit) {
            throw VocabularyError.fileTooLarge(path: url.path, limit: limit)
        } catch {
            throw VocabularyError.unreadable(path: url.path)
        }
        let (lines, invalidLine) = TextLines.split(data)
        guard invalidLine == nil else { throw VocabularyError.unreadable(path: url.path) }
        return try Vocabulary(tokens: lines, source: url.path)
    }

    public var count: Int { tokens.count }
    public func contains(_ token: String) -> Bool { ids[TokenBytes(token)] != nil }
    /// The id of `token` (byte for byte), or of `[UNK]`.
    public func id(_ token: String) -> Int32 {
        ids[TokenBytes(token)] ?? ids[TokenBytes(Self.unk)] ?? 0
    }
    /// The id of the token with these UTF-8 bytes, if there is one.
    func id(utf8 bytes: TokenBytes) -> Int32? { ids[bytes] }
    /// The id of a token known to be present (the special tokens).
    public func specialID(_ token: String) -> Int32 { ids[TokenBytes(token)] ?? 0 }

    /// The `vocab.txt` bytes: one token per line, each line ending in `\n`.
    public var fileContents: Data { Data(tokens.map { $0 + "\n" }.joined().utf8) }
}

/// A token's UTF-8 bytes as a dictionary key, hashed in one call: `[UInt8]`'s own hashing
/// feeds the hasher a byte at a time, which was a fifth of tokenizing a corpus.
struct TokenBytes: Hashable {
    var bytes: [UInt8]

    init(_ token: String = "") { bytes = Array(token.utf8) }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}

/// A vocabulary file that cannot be used. Messages name the file.
public enum VocabularyError: Error, LocalizedError, Equatable {
    case unreadable(path: String)
    case duplicate(source: String, token: String, line: Int)
    case missingSpecial(source: String, token: String)
    case tooLarge(source: String, count: Int, limit: Int)
    case fileTooLarge(path: String, limit: Int)

    public var errorDescription: String? {
        switch self {
        case let .unreadable(p):
            return
                "\(p): cannot read the vocabulary (expected a UTF-8 vocab.txt, one token per line)"
        case let .duplicate(s, t, l): return "\(s): line \(l): token '\(t)' appears twice"
        case let .missingSpecial(s, t):
            return
                "\(s): the vocabulary has no \(t) token (need \(Vocabulary.specialTokens.joined(separator: ", ")))"
        case let .tooLarge(s, c, l):
            return "\(s): the vocabulary has \(c) tokens, more than model.vocab_size \(l)"
        case let .fileTooLarge(p, l):
            return "\(p): the file is larger than \(l) bytes, the limit for a vocab.txt"
        }
    }
}
