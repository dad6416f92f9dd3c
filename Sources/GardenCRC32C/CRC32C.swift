import CCRC32C
import Foundation

/// CRC-32C (Castagnoli) checksums as TensorFlow's tensor bundles and LevelDB tables use them.
///
/// Reflected polynomial 0x82F63B78, initial value and final xor 0xFFFFFFFF:
/// `CRC32C.checksum(Array("123456789".utf8)) == 0xE3069283`.
///
/// On x86-64 CPUs with SSE 4.2 the `crc32` instruction does the work (the `CCRC32C` target),
/// because the bundle writer checksums every tensor payload and exports can reach hundreds of
/// megabytes; elsewhere a table-driven loop consumes 8 bytes per step ("slicing-by-8"). Both
/// give the same bits.
public enum CRC32C {
    /// The constant LevelDB adds when masking, so that a CRC stored next to the bytes it covers
    /// does not checksum to a fixed value.
    public static let maskDelta: UInt32 = 0xA282_EAD8

    /// The CRC-32C of `bytes`.
    /// - Parameter bytes: the bytes to checksum.
    /// - Returns: the finished (unmasked) CRC.
    public static func checksum<Bytes: ContiguousBytes>(_ bytes: Bytes) -> UInt32 {
        extend(0, bytes)
    }

    /// Continues `crc` (the finished CRC of some earlier bytes) over `bytes`.
    ///
    /// `extend(checksum(a), b) == checksum(a ++ b)`, and `extend(0, b) == checksum(b)`.
    /// - Parameters:
    ///   - crc: the CRC of the bytes before `bytes` (0 for none).
    ///   - bytes: the bytes to add.
    /// - Returns: the CRC of the earlier bytes followed by `bytes`.
    public static func extend<Bytes: ContiguousBytes>(_ crc: UInt32, _ bytes: Bytes) -> UInt32 {
        bytes.withUnsafeBytes { extend(crc, $0) }
    }

    /// Continues `crc` over the bytes of a raw buffer; like the generic `extend(_:_:)`.
    /// - Parameters:
    ///   - crc: the CRC of the bytes before `buffer` (0 for none).
    ///   - buffer: the bytes to add.
    /// - Returns: the CRC of the earlier bytes followed by `buffer`.
    public static func extend(_ crc: UInt32, _ buffer: UnsafeRawBufferPointer) -> UInt32 {
        guard hardwareAvailable, let base = buffer.baseAddress else {
            return softwareExtend(crc, buffer)
        }
        // Undo the final xor of the previous value so that chaining continues the same register.
        return ~ccrc32c_hardware_extend(~crc, base, buffer.count)
    }

    /// Whether `extend` uses the CPU's `crc32` instruction (SSE 4.2), checked once per process.
    static let hardwareAvailable = ccrc32c_hardware_available() != 0

    /// The portable slicing-by-8 path: what `extend` computes without SSE 4.2, kept callable so
    /// tests can hold the hardware path to it.
    /// - Parameters:
    ///   - crc: the CRC of the bytes before `buffer` (0 for none).
    ///   - buffer: the bytes to add.
    /// - Returns: the CRC of the earlier bytes followed by `buffer`.
    static func softwareExtend(_ crc: UInt32, _ buffer: UnsafeRawBufferPointer) -> UInt32 {
        // Undo the final xor of the previous value so that chaining continues the same register.
        var state = ~crc
        tables.withUnsafeBufferPointer { table in
            var index = 0
            let count = buffer.count
            while count - index >= 8 {
                let low =
                    UInt32(
                        littleEndian: buffer.loadUnaligned(fromByteOffset: index, as: UInt32.self))
                    ^ state
                let high = UInt32(
                    littleEndian: buffer.loadUnaligned(fromByteOffset: index + 4, as: UInt32.self))
                state =
                    table[7 * 256 + Int(low & 0xFF)]
                    ^ table[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ table[5 * 256 + Int((low >> 16) & 0xFF)]
                    ^ table[4 * 256 + Int(low >> 24)]
                    ^ table[3 * 256 + Int(high & 0xFF)]
                    ^ table[2 * 256 + Int((high >> 8) & 0xFF)]
                    ^ table[1 * 256 + Int((high >> 16) & 0xFF)]
                    ^ table[Int(high >> 24)]
                index += 8
            }
            while index < count {
                state = table[Int((state ^ UInt32(buffer[index])) & 0xFF)] ^ (state >> 8)
                index += 1
            }
        }
        return ~state
    }

    /// Masks a CRC the way LevelDB and TensorFlow store it: rotate right by 15, add 0xA282EAD8.
    /// - Parameter crc: an unmasked CRC-32C.
    /// - Returns: the masked value, as stored.
    public static func mask(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ maskDelta
    }

    /// Inverts ``mask(_:)``.
    /// - Parameter masked: a CRC as stored in a bundle or table file.
    /// - Returns: the unmasked CRC-32C.
    public static func unmask(_ masked: UInt32) -> UInt32 {
        let rotated = masked &- maskDelta
        return (rotated >> 17) | (rotated << 15)
    }

    /// Eight 256-entry tables, flattened: table k maps a byte to its CRC contribution when it
    /// is followed by k more bytes, which lets one step fold in 8 bytes.
    private static let tables: [UInt32] = {
        let polynomial: UInt32 = 0x82F6_3B78
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ polynomial : crc >> 1
            }
            table[byte] = crc
        }
        for slice in 1..<8 {
            for byte in 0..<256 {
                let previous = table[(slice - 1) * 256 + byte]
                table[slice * 256 + byte] = (previous >> 8) ^ table[Int(previous & 0xFF)]
            }
        }
        return table
    }()
}
