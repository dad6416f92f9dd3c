import Foundation
import Testing

@testable import GardenHDF5

/// Every message is asserted exactly: the message is the interface a user debugs with.
@Suite struct ErrorMessageTests {
    /// Runs `body`, expects it to throw an `HDF5Error`, and checks its message.
    private func expectMessage(
        _ expected: String, sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> Void
    ) {
        let error = #expect(throws: HDF5Error.self, sourceLocation: sourceLocation) {
            try body()
        }
        #expect(error?.errorDescription == expected, sourceLocation: sourceLocation)
    }

    /// A small valid file with two datasets, for the errors that need one.
    private func makeTrainingFile(in directory: TemporaryDirectory) throws -> URL {
        let url = directory.file("x.h5")
        try HDF5File.atomicallyWrite(to: url) { file in
            try file.write([1, 2, 3, 4] as [Int32], shape: [2, 2], at: "train/inputs")
            try file.write([0, 1] as [Int32], shape: [2], at: "train/labels")
            try file.writeAttribute("epoch", Int64(3))
        }
        return url
    }

    @Test func missingFile() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("missing.h5")
        #expect(throws: HDF5Error.fileNotFound(file: url.path)) { try HDF5File.open(at: url) }
        expectMessage("\(url.path): file not found") { _ = try HDF5File.open(at: url) }
    }

    @Test func truncatedFile() throws {
        let directory = try TemporaryDirectory()
        let whole = try Data(contentsOf: makeTrainingFile(in: directory))
        let url = directory.file("ckpt.h5")
        try whole.prefix(100).write(to: url)
        expectMessage("\(url.path): not an HDF5 file (or truncated)") {
            _ = try HDF5File.open(at: url)
        }
        // Cut elsewhere, including mid-data: always an error, never a crash.
        for length in [0, 7, 8, 200, 800, whole.count - 1] {
            try whole.prefix(length).write(to: url)
            #expect(throws: HDF5Error.notHDF5File(file: url.path)) {
                try HDF5File.open(at: url)
            }
        }
    }

    @Test func textFile() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("notes.h5")
        try Data("inputs,labels\n1,0\n".utf8).write(to: url)
        expectMessage("\(url.path): not an HDF5 file (or truncated)") {
            _ = try HDF5File.open(at: url, mode: .readWrite)
        }
    }

    @Test func directoryInsteadOfFile() throws {
        let directory = try TemporaryDirectory()
        expectMessage("\(directory.url.path): cannot open: it is a directory") {
            _ = try HDF5File.open(at: directory.url)
        }
    }

    @Test func missingDatasetListsTheAvailableOnes() throws {
        let directory = try TemporaryDirectory()
        let url = try makeTrainingFile(in: directory)
        let file = try HDF5File.open(at: url)
        expectMessage(
            "\(url.path): dataset 'inputs' not found (datasets in file: train/inputs, train/labels)"
        ) { _ = try file.readFloat("inputs") }
    }

    @Test func missingDatasetInAnEmptyFile() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("empty.h5")
        let file = try HDF5File.create(at: url)
        expectMessage("\(url.path): dataset 'inputs' not found (the file has no datasets)") {
            _ = try file.read("inputs")
        }
    }

    @Test func wrongDtype() throws {
        let directory = try TemporaryDirectory()
        let url = try makeTrainingFile(in: directory)
        let file = try HDF5File.open(at: url)
        expectMessage("\(url.path): dataset 'train/inputs' has dtype int32, expected float32") {
            _ = try file.readFloat("train/inputs")
        }
    }

    @Test func groupWhereADatasetIsExpected() throws {
        let directory = try TemporaryDirectory()
        let url = try makeTrainingFile(in: directory)
        let file = try HDF5File.open(at: url)
        expectMessage("\(url.path): 'train' is a group, expected a dataset") {
            _ = try file.readInt32("train")
        }
    }

    @Test func datasetWhereAGroupIsExpected() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("x.h5")
        let file = try HDF5File.create(at: url)
        try file.write([1] as [Float], shape: [1], at: "encoder")
        expectMessage("\(url.path): 'encoder' is a dataset, expected a group") {
            try file.write([1] as [Float], shape: [1], at: "encoder/layer_0/kernel")
        }
    }

    @Test func shapeAndValueCountDisagree() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("x.h5")
        let file = try HDF5File.create(at: url)
        expectMessage(
            "\(url.path): cannot write dataset 'dense/kernel' with shape [2, 3] (6 values) from 5 values"
        ) { try file.write([Float](repeating: 0, count: 5), shape: [2, 3], at: "dense/kernel") }
        expectMessage(
            "\(url.path): cannot write dataset 'dense/kernel' with shape [-1, 3]: dimension -1 is negative"
        ) { try file.write([Float](repeating: 0, count: 3), shape: [-1, 3], at: "dense/kernel") }
        // Nothing was created by the failed writes.
        #expect(try file.listDatasets() == [])
    }

    @Test func invalidPaths() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("x.h5")
        let file = try HDF5File.create(at: url)
        expectMessage("\(url.path): invalid path 'a//b': empty name (doubled or trailing '/')") {
            try file.write([1] as [UInt8], shape: [1], at: "a//b")
        }
        expectMessage("\(url.path): invalid path '/': the root group cannot be a dataset") {
            try file.write([1] as [UInt8], shape: [1], at: "/")
        }
        expectMessage("\(url.path): invalid path 'a/../b': '.' and '..' are not allowed") {
            _ = try file.read("a/../b")
        }
    }

    @Test func writingToAReadOnlyFile() throws {
        let directory = try TemporaryDirectory()
        let url = try makeTrainingFile(in: directory)
        let file = try HDF5File.open(at: url)
        expectMessage(
            "\(url.path): opened read-only, cannot write 'train/inputs' (open it with mode .readWrite)"
        ) { try file.write([1] as [Int32], shape: [1], at: "train/inputs") }
        expectMessage(
            "\(url.path): opened read-only, cannot write '/' (open it with mode .readWrite)"
        ) { try file.writeAttribute("epoch", Int64(4)) }
    }

    @Test func usingAClosedFile() throws {
        let directory = try TemporaryDirectory()
        let url = try makeTrainingFile(in: directory)
        let file = try HDF5File.open(at: url)
        try file.close()
        try file.close()
        expectMessage("\(url.path): the file is already closed") { _ = try file.listDatasets() }
    }

    @Test func attributeErrors() throws {
        let directory = try TemporaryDirectory()
        let url = try makeTrainingFile(in: directory)
        let file = try HDF5File.open(at: url)
        expectMessage("\(url.path): attribute 'step' not found on '/'") {
            _ = try file.readAttribute("step")
        }
        expectMessage(
            "\(url.path): attribute 'step' not found on 'train/inputs'"
        ) { _ = try file.readInt64Attribute("step", at: "train/inputs") }
        expectMessage("\(url.path): attribute 'epoch' on '/' is int64, expected string") {
            _ = try file.readStringAttribute("epoch")
        }
        expectMessage("\(url.path): no group or dataset 'decoder'") {
            _ = try file.attributeNames(at: "decoder")
        }
    }
}
