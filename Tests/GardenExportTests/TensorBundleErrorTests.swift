import Foundation
import Testing
@testable import GardenExport

/// Malformed bundles must throw a TensorBundleError with an exact, locating message.
@Suite struct TensorBundleErrorTests {
    static func open(index: Data, data: Data) throws -> TensorBundleReader {
        try TensorBundleReader(indexBytes: index, dataBytes: data)
    }

    static func message(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            return (error as? TensorBundleError)?.errorDescription
                ?? "not a TensorBundleError: \(error)"
        }
    }

    static func flipping(_ data: Data, at offset: Int, with mask: UInt8 = 0x01) -> Data {
        var copy = data
        copy[copy.startIndex + offset] ^= mask
        return copy
    }

    @Test func truncatedIndex() throws {
        let index = try TensorBundleFixtures.indexBytes("my_mul")
        let data = try TensorBundleFixtures.dataBytes("my_mul")
        #expect(
            Self.message { _ = try Self.open(index: index.prefix(40), data: data) }
                == "variables.index: byte 0: file is too short to be an sstable: 40 bytes, expected at least 48"
        )
        #expect(
            Self.message { _ = try Self.open(index: index.prefix(200), data: data) }
                == "variables.index: byte 192: bad magic number 0x0801a48d8585cb00, expected 0xdb4775248b80fb57"
        )
    }

    @Test func badMagic() throws {
        let index = Self.flipping(
            try TensorBundleFixtures.indexBytes("my_mul"), at: 244, with: 0x80)
        #expect(
            Self.message {
                _ = try Self.open(index: index, data: try TensorBundleFixtures.dataBytes("my_mul"))
            }
                == "variables.index: byte 237: bad magic number 0x5b4775248b80fb57, expected 0xdb4775248b80fb57"
        )
    }

    @Test func flippedIndexByteFailsTheBlockChecksum() throws {
        // Byte 20 lies inside the key "_CHECKPOINTABLE_OBJECT_GRAPH" of the only data block.
        let index = Self.flipping(try TensorBundleFixtures.indexBytes("my_mul"), at: 20)
        #expect(
            Self.message {
                _ = try Self.open(index: index, data: try TensorBundleFixtures.dataBytes("my_mul"))
            }
                == "variables.index: byte 0: block checksum mismatch in data block at byte 0 (bytes 0..<159): stored 0x7d134725, computed 0xb242d232"
        )
    }

    @Test func flippedDataByteFailsTheEntryChecksum() throws {
        let index = try TensorBundleFixtures.indexBytes("my_mul")
        let data = Self.flipping(try TensorBundleFixtures.dataBytes("my_mul"), at: 3)
        let bundle = try Self.open(index: index, data: data)
        #expect(
            Self.message { _ = try bundle.tensorBytes(key: "v/.ATTRIBUTES/VARIABLE_VALUE") }
                == "variables.data-00000-of-00001: byte 0: checksum mismatch for v/.ATTRIBUTES/VARIABLE_VALUE (bytes 0..<4): index says 0x091c567b, computed 0xfb77d578"
        )
    }

    @Test func flippedStringByteFailsTheStringChecksum() throws {
        let index = try TensorBundleFixtures.indexBytes("my_mul")
        // Byte 100 is inside the serialized object graph (payload starts at 12, strings at 18).
        let data = Self.flipping(try TensorBundleFixtures.dataBytes("my_mul"), at: 100)
        let bundle = try Self.open(index: index, data: data)
        #expect(
            Self.message { _ = try bundle.strings(key: "_CHECKPOINTABLE_OBJECT_GRAPH") }
                == "variables.data-00000-of-00001: byte 12: checksum mismatch for _CHECKPOINTABLE_OBJECT_GRAPH: index says 0x3f86f7d2, computed 0x5921383c over the data"
        )
        let lengthFlipped = Self.flipping(try TensorBundleFixtures.dataBytes("my_mul"), at: 12)
        let other = try Self.open(index: index, data: lengthFlipped)
        #expect(
            Self.message { _ = try other.strings(key: "_CHECKPOINTABLE_OBJECT_GRAPH") }
                == "variables.data-00000-of-00001: byte 14: string length checksum mismatch for _CHECKPOINTABLE_OBJECT_GRAPH: stored 0xeca7c937, computed 0x31e2638f"
        )
    }

    @Test func truncatedDataFileIsCaughtWhenOpening() throws {
        let index = try TensorBundleFixtures.indexBytes("my_mul")
        let data = try TensorBundleFixtures.dataBytes("my_mul").prefix(100)
        #expect(
            Self.message { _ = try Self.open(index: index, data: data) }
                == "variables.index: byte 9: entry _CHECKPOINTABLE_OBJECT_GRAPH: bytes 12..<397 lie outside variables.data-00000-of-00001 (100 bytes)"
        )
    }

    @Test func unknownKeyListsTheKeys() throws {
        let bundle = try TensorBundleReader(prefix: TensorBundleFixtures.bundlePrefix("my_mul"))
        #expect(
            Self.message { _ = try bundle.tensorBytes(key: "w") }
                == "variables.index: no tensor \"w\"; the bundle has: _CHECKPOINTABLE_OBJECT_GRAPH, save_counter/.ATTRIBUTES/VARIABLE_VALUE, v/.ATTRIBUTES/VARIABLE_VALUE"
        )
    }

    @Test func missingFilesNameThePath() throws {
        let directory = try TensorBundleFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let message = Self.message {
            _ = try TensorBundleReader(prefix: directory.appendingPathComponent("variables"))
        }
        #expect(
            message?.hasPrefix("variables.index: cannot read \(directory.path)/variables.index")
                == true)
    }

    /// Every single-byte corruption and every truncation of every reference index either
    /// throws a TensorBundleError or (for bytes outside all checksums, e.g. footer padding)
    /// still parses; none may crash.
    @Test(arguments: TensorBundleFixtures.bundleNames)
    func neverCrashesOnCorruptedIndex(name: String) throws {
        let index = try TensorBundleFixtures.indexBytes(name)
        let data = try TensorBundleFixtures.dataBytes(name)
        for offset in 0..<index.count {
            for mask: UInt8 in [0x01, 0x80, 0xFF] {
                let outcome = Self.message {
                    _ = try Self.open(
                        index: Self.flipping(index, at: offset, with: mask), data: data)
                }
                #expect(outcome.map { !$0.hasPrefix("not a TensorBundleError") } ?? true)
            }
        }
        for length in 0..<index.count {
            let outcome = Self.message {
                _ = try Self.open(index: index.prefix(length), data: data)
            }
            #expect(outcome != nil, "prefix of \(length) bytes parsed")
        }
    }
}
