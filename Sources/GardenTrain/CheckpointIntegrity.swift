import Foundation
import GardenCRC32C
import GardenHDF5
import GardenTensor

/// What reading a checkpoint checks beyond HDF5 itself: each dataset's CRC-32C (format 3),
/// finite values, and counts that are not negative. A checkpoint that fails is refused by
/// every command, so a damaged file is never resumed, exported or predicted with.
extension Checkpoint {
    /// The CRC-32C of a tensor's values as stored: little-endian float32 or int32 bytes.
    public static func checksum(_ t: Tensor) -> UInt32 {
        // x86-64 and arm64 are little-endian, so the in-memory bytes are the file's bytes.
        switch t.dtype {
        case .int32: return t.int32s.withUnsafeBytes { CRC32C.extend(0, $0) }
        default: return t.floats.withUnsafeBytes { CRC32C.extend(0, $0) }
        }
    }

    /// Reads one dataset as a tensor, verifying its checksum (from version 3 on) and that a
    /// float dataset holds finite values only (training never writes NaN or infinity).
    static func readTensor(_ path: String, from f: HDF5File, version: Int64, file: String) throws
        -> Tensor
    {
        let t: Tensor
        switch try f.read(path) {
        case .float32(let shape, let values): t = Tensor(values, shape: shape)
        case .int32(let shape, let values): t = Tensor(int32: values, shape: shape)
        case let other:
            throw CheckpointError.badDataset(
                file: file, path: path,
                reason: "dtype \(other.dtype), expected float32 or int32")
        }
        if version >= 3 {
            guard try f.hasAttribute(checksumAttribute, at: path) else {
                throw CheckpointError.badDataset(
                    file: file, path: path,
                    reason:
                        "has no '\(checksumAttribute)' attribute (format version \(version) checksums every dataset)"
                )
            }
            let stored = try f.readInt64Attribute(checksumAttribute, at: path)
            let computed = checksum(t)
            guard stored == Int64(computed) else {
                throw CheckpointError.badDataset(
                    file: file, path: path,
                    reason:
                        "CRC-32C of the data is \(hex(computed)), the file records \(hex(stored)): the data is damaged"
                )
            }
        }
        if t.dtype == .float32, let i = t.floats.firstIndex(where: { !$0.isFinite }) {
            throw CheckpointError.badDataset(
                file: file, path: path,
                reason: "element \(i) is \(t.floats[i]); a checkpoint holds finite values only")
        }
        return t
    }

    /// An int64 root attribute that counts steps: `0...atMost` (or any non-negative value).
    static func readCount(_ name: String, from f: HDF5File, file: String, atMost limit: Int?) throws
        -> Int
    {
        let value = try f.readInt64Attribute(name)
        guard value >= 0, limit.map({ value <= Int64($0) }) ?? true else {
            let range = limit.map { "0...\($0) (step)" } ?? "a step count >= 0"
            throw CheckpointError.badAttribute(
                file: file, name: name, reason: "is \(value), expected \(range)")
        }
        return Int(value)
    }

    static func hex<N: BinaryInteger>(_ n: N) -> String {
        "0x" + String(UInt64(truncatingIfNeeded: n), radix: 16)
    }
}
