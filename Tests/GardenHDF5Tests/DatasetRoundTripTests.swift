import Foundation
import Testing

@testable import GardenHDF5

/// Shapes of rank 0, 1 and 4, plus empty ones, which take separate code paths in libhdf5.
private let shapes: [[Int]] = [[], [7], [2, 3, 1, 5], [0], [3, 0]]

/// `count` values made from their indices (tests add the extremes of each range themselves).
private func sample<Element>(_ count: Int, _ make: (Int) -> Element) -> [Element] {
    (0..<count).map(make)
}

@Suite struct DatasetRoundTripTests {
    private func roundTrip<Element: HDF5Element & Equatable>(
        _ values: [Element], shape: [Int], at path: String = "encoder/layer_0/kernel"
    ) throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("round_trip.h5")
        let writer = try HDF5File.create(at: url)
        try writer.write(values, shape: shape, at: path)
        try writer.close()

        let reader = try HDF5File.open(at: url)
        let read = try reader.read(Element.self, at: path)
        #expect(read.shape == shape)
        #expect(read.values == values)
        let info = try reader.datasetInfo(path)
        #expect(info.dtype == Element.hdf5DType)
        #expect(info.shape == shape)
    }

    @Test(arguments: shapes)
    func float32RoundTrips(shape: [Int]) throws {
        let count = shape.reduce(1, *)
        var values = sample(count) { Float($0) * 0.37 - 1.5 }
        if count > 2 {
            values[0] = .greatestFiniteMagnitude
            values[1] = -.leastNonzeroMagnitude
        }
        try roundTrip(values, shape: shape)
    }

    @Test(arguments: shapes)
    func float64RoundTrips(shape: [Int]) throws {
        let values = sample(shape.reduce(1, *)) { Double($0) / 3 - 1e300 * Double($0 % 2) }
        try roundTrip(values, shape: shape)
    }

    @Test(arguments: shapes)
    func int32RoundTrips(shape: [Int]) throws {
        var values = sample(shape.reduce(1, *)) { Int32($0) - 3 }
        if values.count > 2 {
            values[0] = .min
            values[1] = .max
        }
        try roundTrip(values, shape: shape)
    }

    @Test(arguments: shapes)
    func int64RoundTrips(shape: [Int]) throws {
        var values = sample(shape.reduce(1, *)) { Int64($0) * 1_000_000_007 }
        if values.count > 2 {
            values[0] = .min
            values[1] = .max
        }
        try roundTrip(values, shape: shape)
    }

    @Test(arguments: shapes)
    func uint8RoundTrips(shape: [Int]) throws {
        let values = sample(shape.reduce(1, *)) { UInt8(($0 * 37) % 256) }
        try roundTrip(values, shape: shape, at: "train/images")
    }

    @Test func scalarAtTheTopLevelRoundTrips() throws {
        try roundTrip([Int64(42)], shape: [], at: "step")
    }

    @Test func typedReadersMatchTheGenericRead() throws {
        let directory = try TemporaryDirectory()
        let file = try HDF5File.create(at: directory.file("typed.h5"))
        try file.write([1.5, -2] as [Float], shape: [2], at: "/train/inputs")
        try file.write([3, 4, 5] as [Int32], shape: [3, 1], at: "train/labels")
        #expect(try file.readFloat("train/inputs").values == [1.5, -2])
        #expect(try file.readInt32("/train/labels").shape == [3, 1])
        #expect(try file.read("train/inputs") == .float32(shape: [2], values: [1.5, -2]))
        #expect(try file.read("train/labels") == .int32(shape: [3, 1], values: [3, 4, 5]))
    }

    @Test func rewritingWithAnotherDtypeAndShapeReplacesTheDataset() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("replace.h5")
        let file = try HDF5File.create(at: url)
        try file.write([1, 2] as [Float], shape: [2], at: "a/b")
        try file.write([7, 8, 9] as [Int32], shape: [3], at: "a/b")
        try file.close()
        let reopened = try HDF5File.open(at: url, mode: .readWrite)
        #expect(try reopened.read("a/b") == .int32(shape: [3], values: [7, 8, 9]))
        // Same dtype and shape: written in place.
        try reopened.write([4, 5, 6] as [Int32], shape: [3], at: "a/b")
        #expect(try reopened.readInt32("a/b").values == [4, 5, 6])
        #expect(try reopened.listDatasets() == ["a/b"])
    }

    /// A handle that opened an existing file knows none of its objects: its writes look each
    /// up in the file, then go under existing groups, replace datasets and refuse a dataset
    /// or group in the way, as in a file it made itself.
    @Test func writesIntoAnOpenedFileFindItsGroupsAndDatasets() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("reopened.h5")
        let file = try HDF5File.create(at: url)
        try file.write([1] as [Float], shape: [1], at: "a/b/c")
        try file.write([2] as [Float], shape: [1], at: "d")
        try file.close()
        let reopened = try HDF5File.open(at: url, mode: .readWrite)
        try reopened.write([3] as [Float], shape: [1], at: "a/b/e")
        try reopened.write([4, 5] as [Float], shape: [2], at: "a/b/c")
        #expect(throws: HDF5Error.notAGroup(file: url.path, path: "d")) {
            try reopened.write([6] as [Float], shape: [1], at: "d/f")
        }
        #expect(throws: HDF5Error.notADataset(file: url.path, path: "a/b")) {
            try reopened.write([7] as [Float], shape: [1], at: "a/b")
        }
        try reopened.close()
        let reader = try HDF5File.open(at: url)
        #expect(try reader.listDatasets() == ["a/b/c", "a/b/e", "d"])
        #expect(try reader.readFloat("a/b/c").values == [4, 5])
        #expect(try reader.readFloat("a/b/e").values == [3])
    }

    @Test func arrayConversionsWidenAndNarrowOnlyWhenExact() {
        #expect(HDF5Array.float64(shape: [2], values: [0.5, 2]).floatValues == [0.5, 2])
        #expect(HDF5Array.int32(shape: [1], values: [1]).floatValues == nil)
        #expect(HDF5Array.uint8(shape: [2], values: [0, 255]).int32Values == [0, 255])
        #expect(HDF5Array.int64(shape: [2], values: [-3, 9]).int32Values == [-3, 9])
        #expect(HDF5Array.int64(shape: [1], values: [Int64(Int32.max) + 1]).int32Values == nil)
        #expect(HDF5Array.float32(shape: [1], values: [1]).int32Values == nil)
        #expect(HDF5Array.int64(shape: [1, 1], values: [5]).shape == [1, 1])
    }

    @Test func concurrentUseFromManyThreadsIsSerialized() throws {
        let directory = try TemporaryDirectory()
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            do {
                let url = directory.file("thread_\(index).h5")
                try HDF5File.atomicallyWrite(to: url) { file in
                    for layer in 0..<5 {
                        let values = (0..<64).map { Float($0 + layer + index) }
                        try file.write(values, shape: [8, 8], at: "layer_\(layer)/kernel")
                    }
                }
                let file = try HDF5File.open(at: url)
                let read = try file.readFloat("layer_4/kernel")
                if read.values != (0..<64).map({ Float($0 + 4 + index) }) {
                    failures.add("thread \(index) read wrong values")
                }
            } catch {
                failures.add("thread \(index): \(error)")
            }
        }
        #expect(failures.all.isEmpty)
    }
}

/// Collects failures from worker threads.
private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []

    func add(_ message: String) {
        lock.lock()
        messages.append(message)
        lock.unlock()
    }

    var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return messages
    }
}
