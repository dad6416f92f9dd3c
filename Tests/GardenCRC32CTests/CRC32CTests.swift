import Foundation
import Testing

@testable import GardenCRC32C

@Suite struct CRC32CTests {
    /// Bit-at-a-time reference implementation, to check the sliced tables against.
    static func slowCRC(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1
            }
        }
        return ~crc
    }

    @Test func standardCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum(Data("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()) == 0)
    }

    /// RFC 3720 (iSCSI) appendix B.4 vectors.
    @Test func rfc3720Vectors() {
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }) == 0x113F_DB5C)
    }

    @Test func slicedLoopMatchesBitwiseReferenceForEveryLength() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(CRC32C.checksum(bytes) == CRC32CTests.slowCRC(bytes), "length \(length)")
        }
    }

    /// The SSE 4.2 path (bytewise head to an 8-byte boundary, three chains over blocks of 8 KiB
    /// then of 256 bytes while three remain, 8-byte words, bytewise tail) must give the table
    /// path's bits for every length and alignment, and when chained from any CRC.
    @Test func hardwarePathMatchesTheTablesOnRandomBuffers() throws {
        try #require(
            CRC32C.hardwareAvailable, "no SSE 4.2 on this CPU: extend uses the tables only")
        var generator = SystemRandomNumberGenerator()
        let storage = (0..<70_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // Around each chain boundary: 3 x 256 and 3 x 8192 bytes, and both block sizes mixed.
        let lengths =
            Array(0..<80) + [127, 128, 129, 255, 256, 1000, 1023, 1024, 1025, 4096]
            + [767, 768, 769, 775, 776, 1535, 1536, 2311, 24_575, 24_576, 24_577, 25_351]
            + [25_352, 49_152, 49_919, 69_984]
        storage.withUnsafeBytes { all in
            for offset in 0..<16 {
                for length in lengths {
                    let slice = UnsafeRawBufferPointer(rebasing: all[offset..<offset + length])
                    let start = UInt32.random(in: 0...UInt32.max, using: &generator)
                    for crc in [0, start] {
                        #expect(
                            CRC32C.extend(crc, slice) == CRC32C.softwareExtend(crc, slice),
                            "offset \(offset), length \(length), crc \(crc)")
                    }
                }
            }
        }
        let bytes = Array(storage[3..<1003])
        #expect(CRC32C.checksum(bytes) == CRC32CTests.slowCRC(bytes))
    }

    @Test func extendChainsAcrossAnySplit() {
        let bytes = (0..<53).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        let whole = CRC32C.checksum(bytes)
        for split in 0...bytes.count {
            let chained = CRC32C.extend(
                CRC32C.checksum(Array(bytes[..<split])), Array(bytes[split...]))
            #expect(chained == whole, "split at \(split)")
        }
    }

    @Test func maskMatchesTheStoredEntryChecksumOfMyMul() {
        // my_mul stores v = 2.0f (bytes 00 00 00 40) with crc32c field 0x4f78fd10 (index bytes
        // 10 fd 78 4f; its dump prints the masked field as 1333329168).
        #expect(CRC32C.checksum([0x00, 0x00, 0x00, 0x40] as [UInt8]) == 0x091C_567B)
        #expect(CRC32C.mask(0x091C_567B) == 0x4F78_FD10)
        #expect(CRC32C.unmask(0x4F78_FD10) == 0x091C_567B)
        for value: UInt32 in [0, 1, 0xFFFF_FFFF, 0xE306_9283, 0x8000_0000] {
            #expect(CRC32C.unmask(CRC32C.mask(value)) == value)
            #expect(CRC32C.mask(value) != value)
        }
    }

    @Test func largeBufferIsChecksummedQuickly() {
        let bytes = [UInt8](repeating: 0xA5, count: 8 << 20)
        let start = Date()
        let crc = CRC32C.checksum(bytes)
        #expect(
            crc == CRC32C.extend(CRC32C.checksum(Array(bytes[..<12345])), Array(bytes[12345...])))
        // Generous bound (debug build); the point is to catch a bytewise or quadratic loop.
        #expect(Date().timeIntervalSince(start) < 5)
    }
}
