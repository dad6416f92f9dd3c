import Foundation
import Testing

@testable import GardenHDF5

/// A dataset whose dataspace declares more data than the file can hold is refused before any
/// allocation (a 1 KB file declaring [1000000, 1000000] floats used to abort the process).
@Suite struct DatasetBoundsTests {
    /// `Fixtures/huge-declared.h5`, made by h5py:
    /// `f.create_dataset("weights", shape=(10**6, 10**6), dtype="<f4")` (never written, so
    /// never allocated): a file of about 1 KB that declares 4 TB of float32.
    static let huge = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/huge-declared.h5")

    @Test func aDatasetLargerThanItsFileIsRefusedBeforeReading() throws {
        let url = Self.huge
        let size = try #require(
            try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
        let file = try HDF5File.open(at: url)
        #expect(try file.datasetInfo("weights").shape == [1_000_000, 1_000_000])
        let error = #expect(throws: HDF5Error.self) { try file.readFloat("weights") }
        #expect(
            error?.errorDescription
                == "\(url.path): dataset 'weights' declares shape [1000000, 1000000] (4000000000000 bytes),"
                + " more than the whole file (\(size) bytes): the file is damaged")
        #expect(throws: HDF5Error.self) { try file.read("weights") }
    }

    @Test func anOrdinaryDatasetStillReads() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("ok.h5")
        try HDF5File.atomicallyWrite(to: url) { file in
            try file.write([Float](repeating: 7, count: 15), shape: [3, 5], at: "weights")
        }
        #expect(try HDF5File.open(at: url).readFloat("weights").values.count == 15)
    }
}
