import Foundation
import Testing

@testable import GardenHDF5

private struct BodyFailed: Error {}

@Suite struct AtomicWriteTests {
    @Test func writesTheDestinationAndLeavesNoTemporaryFile() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("model.h5")
        let returned = try HDF5File.atomicallyWrite(to: url) { file -> Int in
            try file.write([1, 2] as [Float], shape: [2], at: "dense/kernel")
            return 7
        }
        #expect(returned == 7)
        #expect(try directory.contents() == ["model.h5"])
        #expect(try HDF5File.open(at: url).readFloat("dense/kernel").values == [1, 2])
    }

    @Test func aThrowingBodyLeavesTheOldDestinationUntouched() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("model.h5")
        try HDF5File.atomicallyWrite(to: url) { file in
            try file.write([1, 2] as [Float], shape: [2], at: "dense/kernel")
        }
        let before = try Data(contentsOf: url)
        #expect(throws: BodyFailed.self) {
            try HDF5File.atomicallyWrite(to: url) { file in
                try file.write([9, 9, 9] as [Float], shape: [3], at: "dense/kernel")
                throw BodyFailed()
            }
        }
        #expect(try Data(contentsOf: url) == before)
        #expect(try directory.contents() == ["model.h5"])
    }

    @Test func errorsInsideTheBodyNameTheDestinationNotTheTemporaryFile() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("model.h5")
        let error = #expect(throws: HDF5Error.self) {
            try HDF5File.atomicallyWrite(to: url) { file in
                #expect(file.path == url.path)
                _ = try file.readFloat("dense/kernel")
            }
        }
        #expect(
            error?.errorDescription
                == "\(url.path): dataset 'dense/kernel' not found (the file has no datasets)")
        #expect(try directory.contents() == [])
    }

    @Test func aMissingDirectoryIsReportedWithTheDestination() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("no_such_dir/model.h5")
        let error = #expect(throws: HDF5Error.self) {
            try HDF5File.atomicallyWrite(to: url) { _ in }
        }
        #expect(
            error?.errorDescription
                == "\(url.path): cannot open: directory '\(directory.file("no_such_dir").path)' does not exist"
        )
    }
}
