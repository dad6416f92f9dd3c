import Foundation

/// A bounds-checked reader over a byte range of one file.
///
/// Every read checks against `end` and throws a ``TensorBundleError/corrupt(file:offset:message:)``
/// naming the absolute file offset, so malformed input can never trap.
struct TensorBundleByteCursor {
    let bytes: [UInt8]
    let file: String
    /// Next byte to read (absolute offset in `bytes`).
    var position: Int
    /// One past the last byte this cursor may read.
    let end: Int

    init(bytes: [UInt8], file: String, start: Int, end: Int) {
        self.bytes = bytes
        self.file = file
        self.position = start
        self.end = min(end, bytes.count)
    }

    var isAtEnd: Bool { position >= end }

    func corrupt(_ message: String, at offset: Int? = nil) -> TensorBundleError {
        .corrupt(file: file, offset: offset ?? position, message: message)
    }

    mutating func readVarint64(_ what: String) throws -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while shift < 64 {
            guard position < end else {
                throw corrupt(
                    "truncated varint (\(what)): expected another byte, found end of range at \(end)",
                    at: start)
            }
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        throw corrupt("varint (\(what)) longer than 10 bytes", at: start)
    }

    mutating func readVarint32(_ what: String) throws -> Int {
        let start = position
        let value = try readVarint64(what)
        guard value <= UInt64(UInt32.max) else {
            throw corrupt("varint (\(what)) is \(value), expected at most \(UInt32.max)", at: start)
        }
        return Int(value)
    }

    mutating func readFixed32(_ what: String) throws -> UInt32 {
        let raw = try readBytes(4, what)
        // Slices keep the base array's indices, so fold rather than subscript from 0.
        return raw.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    mutating func readFixed64(_ what: String) throws -> UInt64 {
        let low = UInt64(try readFixed32(what))
        let high = UInt64(try readFixed32(what))
        return low | high << 32
    }

    mutating func readBytes(_ count: Int, _ what: String) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= end - position else {
            throw corrupt(
                "\(what) needs \(count) bytes, found \(max(0, end - position)) before byte \(end)")
        }
        defer { position += count }
        return bytes[position..<(position + count)]
    }
}
