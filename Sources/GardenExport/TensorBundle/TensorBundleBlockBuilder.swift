/// Builds one LevelDB-format block: prefix-compressed entries, then the restart array.
///
/// Mirrors LevelDB's `BlockBuilder` (which TensorFlow's table code copies) byte for byte:
/// every `restartInterval`-th entry stores its full key and is recorded as a restart point;
/// the entries in between store only the suffix not shared with the previous key.
struct TensorBundleBlockBuilder {
    let restartInterval: Int
    private(set) var buffer: [UInt8] = []
    private var restarts: [UInt32] = [0]
    private var counter = 0
    private var lastKey: [UInt8] = []

    init(restartInterval: Int) {
        self.restartInterval = restartInterval
    }

    var isEmpty: Bool { buffer.isEmpty }

    /// The size `finish()` would return; LevelDB cuts a data block when this reaches the
    /// block size, so it must be computed exactly as LevelDB does.
    var currentSizeEstimate: Int {
        buffer.count + restarts.count * 4 + 4
    }

    mutating func add(key: [UInt8], value: [UInt8]) {
        var shared = 0
        if counter < restartInterval {
            let limit = min(lastKey.count, key.count)
            while shared < limit && lastKey[shared] == key[shared] {
                shared += 1
            }
        } else {
            restarts.append(UInt32(buffer.count))
            counter = 0
        }
        TensorBundleBlockBuilder.appendVarint(UInt64(shared), to: &buffer)
        TensorBundleBlockBuilder.appendVarint(UInt64(key.count - shared), to: &buffer)
        TensorBundleBlockBuilder.appendVarint(UInt64(value.count), to: &buffer)
        buffer.append(contentsOf: key[shared...])
        buffer.append(contentsOf: value)
        lastKey = key
        counter += 1
    }

    /// Returns the finished block contents (without trailer) and resets the builder.
    mutating func finish() -> [UInt8] {
        var block = buffer
        for restart in restarts {
            TensorBundleBlockBuilder.appendFixed32(restart, to: &block)
        }
        TensorBundleBlockBuilder.appendFixed32(UInt32(restarts.count), to: &block)
        buffer = []
        restarts = [0]
        counter = 0
        lastKey = []
        return block
    }

    static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var remaining = value
        while remaining >= 0x80 {
            bytes.append(UInt8(remaining & 0x7F) | 0x80)
            remaining >>= 7
        }
        bytes.append(UInt8(remaining))
    }

    static func appendFixed32(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
        }
    }
}
