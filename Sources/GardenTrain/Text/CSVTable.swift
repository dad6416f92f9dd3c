import Foundation

/// A table of text with a header row: comma-separated values as RFC 4180 defines them, or
/// tab-separated values (IANA `text/tab-separated-values`, Model Garden's GLUE readers).
///
/// CSV: fields separated by `,`, records by `\n` or `\r\n`; a field that starts with `"` is
/// quoted and may hold `,`, line breaks and `""` (one `"`); a `"` elsewhere in an unquoted
/// field, or anything but `,` or a line end after a closing quote, is an error. TSV: fields
/// separated by tabs, one record per line, no quoting (a `"` is an ordinary character; as
/// Python's `csv.reader(delimiter="\t", quotechar=None)` reads GLUE). Both: UTF-8, the first
/// record is the header (non-empty, distinct names), every record has as many fields as the
/// header, and empty lines are skipped.
public struct CSVTable: Equatable, Sendable {
    /// The column names of the header row.
    public let header: [String]
    /// The records after the header: their fields, and the line each starts on (1-based).
    public let rows: [(line: Int, fields: [String])]

    /// The field separator.
    public enum Format: Sendable, Equatable {
        case csv, tsv

        /// TSV for a `.tsv` file name, CSV otherwise.
        public init(path: String) {
            self = path.lowercased().hasSuffix(".tsv") ? .tsv : .csv
        }
    }

    public static func == (a: CSVTable, b: CSVTable) -> Bool {
        a.header == b.header && a.rows.map(\.line) == b.rows.map(\.line)
            && a.rows.map(\.fields) == b.rows.map(\.fields)
    }

    /// Reads the file at `url` (`Format(path:)` picks the separator), of at most
    /// `TextFile.dataLimit` bytes.
    public static func read(_ url: URL) throws -> CSVTable {
        let path = url.path
        let data: Data
        do {
            data = try TextFile.contents(of: path, limit: TextFile.dataLimit)
        } catch TextFile.Failure.tooLarge(let limit) {
            throw CSVError(
                file: path, line: nil,
                problem: "the file is larger than \(limit) bytes, the limit for a table")
        } catch TextFile.Failure.unreadable(let reason) {
            throw CSVError(file: path, line: nil, problem: "cannot read the file (\(reason))")
        }
        return try parse(data, format: Format(path: path), file: path)
    }

    /// Parses `data`; errors name `file` and the line.
    public static func parse(_ data: Data, format: Format, file: String) throws -> CSVTable {
        var parser = Parser(
            bytes: Array(data), separator: format == .csv ? 0x2C : 0x09,
            quoting: format == .csv, file: file)
        var records = try parser.records()
        guard !records.isEmpty else {
            throw CSVError(
                file: file, line: 1, problem: "expected a header row, found an empty file")
        }
        let (headerLine, header) = records.removeFirst()
        var seen: Set<String> = []
        for name in header {
            if name.isEmpty {
                throw CSVError(
                    file: file, line: headerLine, problem: "the header has an empty column name")
            }
            if !seen.insert(name).inserted {
                throw CSVError(
                    file: file, line: headerLine, problem: "the header names column '\(name)' twice"
                )
            }
        }
        for (line, fields) in records where fields.count != header.count {
            throw CSVError(
                file: file, line: line,
                problem:
                    "found \(fields.count) field\(fields.count == 1 ? "" : "s"), expected \(header.count) (as the header)"
            )
        }
        return CSVTable(header: header, rows: records)
    }

    init(header: [String], rows: [(line: Int, fields: [String])]) {
        self.header = header; self.rows = rows
    }

    /// The index of column `name`; `key` is the recipe key that named it.
    public func column(_ name: String, key: String, file: String) throws -> Int {
        guard let i = header.firstIndex(of: name) else {
            throw CSVError(
                file: file, line: 1,
                problem:
                    "no column '\(name)' (\(key)) in the header; columns: \(header.joined(separator: ", "))"
            )
        }
        return i
    }

    /// The byte-level reader: one pass, fields decoded as UTF-8 when they end.
    private struct Parser {
        let bytes: [UInt8]
        let separator: UInt8
        let quoting: Bool
        let file: String
        var i = 0
        var line = 1

        init(bytes: [UInt8], separator: UInt8, quoting: Bool, file: String) {
            self.bytes = bytes; self.separator = separator; self.quoting = quoting
            self.file = file
        }

        static let quote: UInt8 = 0x22, lf: UInt8 = 0x0A, cr: UInt8 = 0x0D

        mutating func records() throws -> [(line: Int, fields: [String])] {
            var out: [(line: Int, fields: [String])] = []
            while i < bytes.count {
                // An empty line (`\n` or `\r\n` alone) is no record.
                if bytes[i] == Self.lf {
                    i += 1; line += 1; continue
                }
                if bytes[i] == Self.cr && i + 1 < bytes.count && bytes[i + 1] == Self.lf {
                    i += 2; line += 1; continue
                }
                let start = line
                out.append((start, try record()))
            }
            return out
        }

        /// One record, up to and including its line end.
        mutating func record() throws -> [String] {
            var fields: [String] = []
            while true {
                fields.append(try field())
                if i >= bytes.count { return fields }
                if bytes[i] == separator {
                    i += 1
                    continue
                }
                // At a line end (the field reader stops only at a separator or a line end).
                if bytes[i] == Self.cr { i += 1 }
                i += 1; line += 1
                return fields
            }
        }

        /// One field; stops at the separator or the line end after it, without consuming it.
        mutating func field() throws -> String {
            if quoting && i < bytes.count && bytes[i] == Self.quote { return try quotedField() }
            let start = i
            while i < bytes.count && bytes[i] != separator && bytes[i] != Self.lf {
                if bytes[i] == Self.cr && i + 1 < bytes.count && bytes[i + 1] == Self.lf { break }
                if quoting && bytes[i] == Self.quote {
                    throw CSVError(
                        file: file, line: line,
                        problem:
                            "a '\"' inside an unquoted field; expected the whole field in quotes with each '\"' doubled"
                    )
                }
                i += 1
            }
            return try text(bytes[start..<i])
        }

        mutating func quotedField() throws -> String {
            let opened = line
            i += 1
            var value: [UInt8] = []
            while true {
                guard i < bytes.count else {
                    throw CSVError(
                        file: file, line: opened,
                        problem:
                            "the quoted field opened on this line is not closed; expected a closing '\"' before the end of the file"
                    )
                }
                let b = bytes[i]
                if b == Self.quote {
                    if i + 1 < bytes.count && bytes[i + 1] == Self.quote {
                        value.append(Self.quote); i += 2; continue
                    }
                    i += 1
                    break
                }
                if b == Self.lf { line += 1 }
                value.append(b); i += 1
            }
            let atEnd =
                i >= bytes.count || bytes[i] == separator || bytes[i] == Self.lf
                || (bytes[i] == Self.cr && i + 1 < bytes.count && bytes[i + 1] == Self.lf)
            guard atEnd else {
                throw CSVError(
                    file: file, line: line,
                    problem:
                        "expected ',' or the end of the line after a closing '\"', found '\(String(decoding: [bytes[i]], as: UTF8.self))'"
                )
            }
            return try text(value[...])
        }

        func text(_ slice: ArraySlice<UInt8>) throws -> String {
            guard let s = String(validating: slice, as: UTF8.self) else {
                throw CSVError(file: file, line: line, problem: "the text is not valid UTF-8")
            }
            return s
        }
    }
}

/// A CSV or TSV file that cannot be read as a table: `file:line: problem`.
public struct CSVError: Error, LocalizedError, Equatable {
    public var file: String
    /// The 1-based line, or nil for the whole file.
    public var line: Int?
    public var problem: String

    public init(file: String, line: Int?, problem: String) {
        self.file = file; self.line = line; self.problem = problem
    }

    public var errorDescription: String? {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(problem)"
    }
}
