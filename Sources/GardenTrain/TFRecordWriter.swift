import Foundation
import GardenCRC32C
import TFProto

/// Appends TFRecord-framed records to a file: `uint64 length`, masked CRC-32C of those 8
/// bytes, the data, masked CRC-32C of the data (all little-endian), as TensorFlow's
/// `RecordWriter` writes event files.
final class TFRecordWriter {
    private let file: BufferedAppender

    /// Creates (or truncates) the file at `url`.
    init(url: URL) throws {
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        file = try BufferedAppender(appendingTo: url)
    }

    /// Frames `data` as one record and appends it whole, so a reader never sees half a frame
    /// header followed by nothing from this writer. It reaches the file within a second or at
    /// `flush`.
    func write(_ data: Data) {
        file.append(Self.frame(data))
    }

    /// Writes the records appended so far.
    func flush() { file.flush() }

    /// The framed bytes of one record.
    static func frame(_ data: Data) -> Data {
        var out = Data()
        var length = UInt64(data.count).littleEndian
        let lengthBytes = withUnsafeBytes(of: &length) { Data($0) }
        out.append(lengthBytes)
        appendUInt32(&out, CRC32C.mask(CRC32C.checksum(lengthBytes)))
        out.append(data)
        appendUInt32(&out, CRC32C.mask(CRC32C.checksum(data)))
        return out
    }

    private static func appendUInt32(_ out: inout Data, _ value: UInt32) {
        var v = value.littleEndian
        withUnsafeBytes(of: &v) { out.append(contentsOf: $0) }
    }
}
