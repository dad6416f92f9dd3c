import Foundation
import GardenCRC32C
import TFProto

/// The DT_STRING payload layout of TensorFlow's tensor bundle.
///
/// ```
/// varint64 len[0] ... len[n-1]
/// uint32 LE  masked crc32c over each length as uint32 LE (uint64 LE if it does not fit)
/// bytes      s[0] ... s[n-1]
/// ```
/// The entry checksum is not the CRC of these bytes: TF chains it over the lengths as fixed
/// integers, then the 4 stored checksum bytes, then the string bytes.
enum TensorBundleStringTensor {
    /// Encodes `strings`; returns the payload and the (unmasked) entry checksum.
    static func encode(_ strings: [Data]) -> (payload: [UInt8], crc32c: UInt32) {
        var payload: [UInt8] = []
        var lengthCRC: UInt32 = 0
        for string in strings {
            TensorBundleBlockBuilder.appendVarint(UInt64(string.count), to: &payload)
            lengthCRC = CRC32C.extend(lengthCRC, fixedLength(string.count))
        }
        var storedCRC: [UInt8] = []
        TensorBundleBlockBuilder.appendFixed32(CRC32C.mask(lengthCRC), to: &storedCRC)
        payload += storedCRC
        var entryCRC = CRC32C.extend(lengthCRC, storedCRC)
        for string in strings {
            payload += string
            entryCRC = CRC32C.extend(entryCRC, string)
        }
        return (payload, entryCRC)
    }

    /// Decodes `count` strings from `cursor`'s range and checks both checksums.
    /// - Parameters:
    ///   - count: the number of strings (the tensor's element count).
    ///   - cursor: reads the entry's bytes; left after the last string.
    ///   - expectedCRC: the entry's unmasked crc32c from the index.
    ///   - key: the tensor's name, for messages.
    /// - Returns: the strings' bytes, in order.
    /// - Throws: ``TensorBundleError/corrupt(file:offset:message:)`` naming the offset when a
    ///   length, a string or a checksum is wrong.
    static func decode(
        count: Int, cursor: inout TensorBundleByteCursor, expectedCRC: UInt32,
        key: String
    ) throws -> [Data] {
        let start = cursor.position
        var lengths: [Int] = []
        lengths.reserveCapacity(count)
        var lengthCRC: UInt32 = 0
        for index in 0..<count {
            let lengthOffset = cursor.position
            let length = try cursor.readVarint64("length of string \(index) of \(key)")
            guard length <= UInt64(cursor.end - start) else {
                throw cursor.corrupt(
                    "string \(index) of \(key) claims \(length) bytes, expected at most \(cursor.end - start) (the entry size)",
                    at: lengthOffset)
            }
            lengths.append(Int(length))
            lengthCRC = CRC32C.extend(lengthCRC, fixedLength(Int(length)))
        }
        let crcOffset = cursor.position
        let storedBytes = Array(try cursor.readBytes(4, "length checksum of \(key)"))
        let stored =
            UInt32(storedBytes[0]) | UInt32(storedBytes[1]) << 8
            | UInt32(storedBytes[2]) << 16 | UInt32(storedBytes[3]) << 24
        guard CRC32C.unmask(stored) == lengthCRC else {
            throw cursor.corrupt(
                "string length checksum mismatch for \(key): stored 0x\(hex(CRC32C.unmask(stored))), computed 0x\(hex(lengthCRC))",
                at: crcOffset)
        }
        var entryCRC = CRC32C.extend(lengthCRC, storedBytes)
        var strings: [Data] = []
        strings.reserveCapacity(count)
        for (index, length) in lengths.enumerated() {
            let bytes = try cursor.readBytes(length, "string \(index) of \(key)")
            entryCRC = CRC32C.extend(entryCRC, Array(bytes))
            strings.append(Data(bytes))
        }
        guard cursor.isAtEnd else {
            throw cursor.corrupt(
                "\(key): \(cursor.end - cursor.position) bytes left after \(count) strings, expected none"
            )
        }
        guard entryCRC == expectedCRC else {
            throw cursor.corrupt(
                "checksum mismatch for \(key): index says 0x\(hex(expectedCRC)), computed 0x\(hex(entryCRC)) over the data",
                at: start)
        }
        return strings
    }

    /// TF feeds each length to the checksum as a uint32, widening to uint64 only when needed.
    private static func fixedLength(_ length: Int) -> [UInt8] {
        let value = UInt64(length)
        let width = value <= UInt64(UInt32.max) ? 4 : 8
        return (0..<width).map { UInt8(truncatingIfNeeded: value >> UInt64(8 * $0)) }
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}
