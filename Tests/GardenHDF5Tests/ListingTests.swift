import Foundation
import Testing

@testable import GardenHDF5

@Suite struct ListingTests {
    @Test func listsEveryDatasetRecursivelyInByteOrder() throws {
        let directory = try TemporaryDirectory()
        let file = try HDF5File.create(at: directory.file("list.h5"))
        // Written out of order; "a.x" sorts before "a/b" because '.' < '/' in bytes, and
        // "Z" before "a" because uppercase letters come first.
        for path in ["encoder/layer_1/kernel", "a/b", "a.x", "encoder/layer_0/kernel", "Z", "step"]
        {
            try file.write([1] as [Float], shape: [1], at: path)
        }
        #expect(
            try file.listDatasets() == [
                "Z", "a.x", "a/b", "encoder/layer_0/kernel", "encoder/layer_1/kernel", "step",
            ])
    }

    @Test func anEmptyFileHasNoDatasets() throws {
        let directory = try TemporaryDirectory()
        let file = try HDF5File.create(at: directory.file("empty.h5"))
        #expect(try file.listDatasets() == [])
    }

    @Test func existsFindsGroupsDatasetsAndTheRoot() throws {
        let directory = try TemporaryDirectory()
        let file = try HDF5File.create(at: directory.file("exists.h5"))
        try file.write([1, 2] as [Int32], shape: [2], at: "train/labels")
        #expect(try file.exists("train/labels"))
        #expect(try file.exists("/train"))
        #expect(try file.exists("/"))
        #expect(try !file.exists("train/inputs"))
        #expect(try !file.exists("train/labels/deeper"))
        #expect(try !file.exists("missing/group"))
    }
}
