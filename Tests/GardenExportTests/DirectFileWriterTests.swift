import Foundation
import Testing

@testable import GardenExport

/// The bundle's data file written around the page cache holds the same bytes as the payloads
/// laid end to end, whatever the payload sizes do to the staging buffers and the last block.
@Suite struct DirectFileWriterTests {
    /// Payload sizes in bytes, against staging buffers of 4096 bytes: one small tail only; a
    /// total of exactly two blocks (no tail); payloads straddling several buffers plus a tail.
    static let layouts: [[Int]] = [[12], [4096, 4096], [1000, 9000, 4, 3000], [20_000, 2, 8190]]

    @Test(arguments: layouts)
    func writesThePayloadsEndToEnd(sizes: [Int]) throws {
        var writer = TensorBundleWriter()
        var expected: [UInt8] = []
        for (n, size) in sizes.enumerated() {
            // A byte pattern that differs between payloads and positions, in whole floats
            // where the size allows (the float path writes from the array itself).
            if size % 4 == 0 {
                let floats = (0..<size / 4).map { Float(n * 100_000 + $0) }
                try writer.add(key: "p\(n)", shape: [size / 4], floats: floats)
                floats.withUnsafeBytes { expected.append(contentsOf: $0) }
            } else {
                let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ n) }
                try writer.add(key: "p\(n)", dtype: .dtUint8, shape: [size], bytes: bytes)
                expected += bytes
            }
        }
        for directory in Self.directories() {
            let url = directory.appendingPathComponent("direct-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: url) }
            let failure = writer.writeDataFile(to: url, directMinimumBytes: 0, stageBytes: 4096)
            #expect(failure == nil, "\(directory.path)")
            #expect(try Data(contentsOf: url) == Data(expected), "\(directory.path)")
        }
    }

    @Test func reportsADirectoryThatCannotHoldTheFile() throws {
        var writer = TensorBundleWriter()
        try writer.add(key: "p", shape: [2048], floats: [Float](repeating: 1, count: 2048))
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/data")
        let failure = writer.writeDataFile(to: url, directMinimumBytes: 0, stageBytes: 4096)
        #expect(failure == "No such file or directory")
    }

    /// The system temp dir, and /dev/shm where it exists: tmpfs takes `O_DIRECT` on recent
    /// kernels and refuses it on older ones, so one of the two may take the buffered fallback.
    static func directories() -> [URL] {
        var urls = [FileManager.default.temporaryDirectory]
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isDirectory),
            isDirectory.boolValue, access("/dev/shm", W_OK) == 0
        {
            urls.append(URL(fileURLWithPath: "/dev/shm"))
        }
        return urls
    }
}
