import Foundation
import Testing

@testable import GardenHDF5

/// The same content must give the same bytes, so checkpoints can be compared by hash and
/// golden files stay stable. HDF5 stores object timestamps by default; we switch them off.
@Suite struct DeterminismTests {
    private func writeCheckpoint(to url: URL, epoch: Int64) throws {
        try HDF5File.atomicallyWrite(to: url) { file in
            try file.writeAttribute("format", "garden-checkpoint")
            try file.writeAttribute("epoch", epoch)
            try file.writeAttribute("learning_rate", 0.125)
            try file.write(
                (0..<12).map { Float($0) / 7 }, shape: [3, 4], at: "encoder/layer_0/kernel")
            try file.write(
                [Float](repeating: 0.5, count: 4), shape: [4], at: "encoder/layer_0/bias")
            try file.write([1, 2, 3] as [Int32], shape: [3], at: "train/labels")
            try file.write([0, 128, 255] as [UInt8], shape: [1, 3], at: "train/images")
            try file.write([Int64(9)], shape: [], at: "step")
            try file.writeAttribute("activation", "gelu", at: "encoder/layer_0")
        }
    }

    @Test func identicalContentGivesIdenticalBytes() async throws {
        let directory = try TemporaryDirectory()
        let first = directory.file("first.h5")
        let second = directory.file("second.h5")
        try writeCheckpoint(to: first, epoch: 5)
        // Timestamps have a one-second resolution; waiting makes a stored time show up.
        try await Task.sleep(for: .milliseconds(1100))
        try writeCheckpoint(to: second, epoch: 5)
        let firstBytes = try Data(contentsOf: first)
        #expect(firstBytes == (try Data(contentsOf: second)))

        // The comparison can tell files apart: another epoch gives other bytes.
        try writeCheckpoint(to: second, epoch: 6)
        #expect(firstBytes != (try Data(contentsOf: second)))
    }
}
