import CZlib
import Foundation

/// One gzip member (RFC 1952) written in pieces to a sink, with bytes that depend only on the
/// input: the header has no modification time (0) and no file name, and the deflate settings
/// are fixed (level 9, window 32 KiB, memLevel 8, default strategy), so the same input gives
/// the same file with the same zlib.
public final class GzipWriter {
    /// The compression level every archive uses (zlib's best).
    public static let level: Int32 = 9
    /// ID1 ID2, CM = deflate, FLG = none, MTIME = 0, XFL = 2 (best compression), OS = 255
    /// (unknown: the bytes do not say which system wrote them).
    static let header: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255]

    private var stream = z_stream()
    private let sink: (Data) throws -> Void
    private var crc: UInt = 0
    private var length: UInt32 = 0
    private var finished = false
    private var output = [UInt8](repeating: 0, count: 1 << 16)

    /// Starts a member; `sink` receives the compressed bytes in order.
    public init(sink: @escaping (Data) throws -> Void) throws {
        self.sink = sink
        let status = garden_deflate_init_raw(&stream, Self.level)
        guard status == Z_OK else { throw ArchiveError.compression(status: status) }
        crc = crc32(0, nil, 0)
        try sink(Data(Self.header))
    }

    deinit { deflateEnd(&stream) }

    /// Compresses `bytes`.
    public func write(_ bytes: Data) throws {
        guard !bytes.isEmpty else { return }
        try bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let base = raw.bindMemory(to: Bytef.self).baseAddress
            crc = crc32(crc, base, uInt(raw.count))
            length = length &+ UInt32(truncatingIfNeeded: raw.count)
            stream.next_in = UnsafeMutablePointer(mutating: base)
            stream.avail_in = uInt(raw.count)
            try pump(flush: Z_NO_FLUSH)
            stream.next_in = nil
        }
    }

    /// Ends the deflate stream and writes the trailer (CRC-32 and length mod 2^32, little-endian).
    public func finish() throws {
        guard !finished else { return }
        finished = true
        try pump(flush: Z_FINISH)
        var trailer = Data()
        for value in [UInt32(truncatingIfNeeded: crc), length] {
            withUnsafeBytes(of: value.littleEndian) { trailer.append(contentsOf: $0) }
        }
        try sink(trailer)
    }

    /// Runs deflate until it has consumed its input (or, with Z_FINISH, ended the stream).
    private func pump(flush: Int32) throws {
        let capacity = output.count
        while true {
            let (status, produced) = output.withUnsafeMutableBufferPointer { buffer in
                stream.next_out = buffer.baseAddress
                stream.avail_out = uInt(capacity)
                let status = deflate(&stream, flush)
                return (status, capacity - Int(stream.avail_out))
            }
            guard status == Z_OK || status == Z_STREAM_END || status == Z_BUF_ERROR else {
                throw ArchiveError.compression(status: status)
            }
            if produced > 0 { try sink(Data(output[0..<produced])) }
            if flush == Z_FINISH
                ? status == Z_STREAM_END : (stream.avail_in == 0 && produced < capacity)
            {
                return
            }
        }
    }
}
