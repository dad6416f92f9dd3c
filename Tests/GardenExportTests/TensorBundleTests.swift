import Foundation
import Testing
import TFProto
@testable import GardenExport

@Suite struct TensorBundleTests {
    static let objectGraphKey = "_CHECKPOINTABLE_OBJECT_GRAPH"

    @Test(arguments: TensorBundleFixtures.bundleNames)
    func readsEveryReferenceBundleAndVerifiesEveryTensor(name: String) throws {
        let bundle = try TensorBundleReader(prefix: TensorBundleFixtures.bundlePrefix(name))
        #expect(bundle.header.numShards == 1)
        #expect(bundle.header.version.producer == 1)
        #expect(
            bundle.keys
                == bundle.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        for key in bundle.keys {
            let entry = try #require(bundle.entries[key])
            #expect(try bundle.tensorBytes(key: key).count == entry.size)
        }
        let graphBytes = try bundle.strings(key: Self.objectGraphKey)
        #expect(graphBytes.count == 1)
        let graph = try Tensorflow_TrackableObjectGraph(serializedBytes: graphBytes[0])
        let checkpointKeys = graph.nodes.flatMap { $0.attributes.map(\.checkpointKey) }
        #expect(!checkpointKeys.isEmpty)
        #expect(Set(checkpointKeys).isSubset(of: Set(bundle.keys)))
    }

    @Test func myMulHoldsVEqualTwo() throws {
        let bundle = try TensorBundleReader(prefix: TensorBundleFixtures.bundlePrefix("my_mul"))
        #expect(
            bundle.keys == [
                Self.objectGraphKey, "save_counter/.ATTRIBUTES/VARIABLE_VALUE",
                "v/.ATTRIBUTES/VARIABLE_VALUE",
            ])
        let v = try #require(bundle.entries["v/.ATTRIBUTES/VARIABLE_VALUE"])
        #expect(
            v
                == TensorBundleEntry(
                    key: "v/.ATTRIBUTES/VARIABLE_VALUE", dtype: .dtFloat, shape: [],
                    offset: 0, size: 4, crc32c: 0x091C_567B))
        let bytes = try bundle.tensorBytes(key: "v/.ATTRIBUTES/VARIABLE_VALUE")
        #expect(Float(bitPattern: TensorBundleTests.uint32LE(bytes)) == 2.0)
        let counter = try #require(bundle.entries["save_counter/.ATTRIBUTES/VARIABLE_VALUE"])
        #expect(counter.dtype == .dtInt64 && counter.offset == 4 && counter.size == 8)
        let graph = try Tensorflow_TrackableObjectGraph(
            serializedBytes: try bundle.strings(key: Self.objectGraphKey)[0])
        #expect(graph.nodes.count == 12)
        #expect(
            graph.nodes[0].children.map(\.localName)
                == [
                    "v", "variables", "trainable_variables", "regularization_losses",
                    "save_counter",
                    "__call__", "signatures",
                ])
        #expect(graph.nodes[1].attributes.first?.fullName == "Variable")
        #expect(graph.nodes[0].hasCheckpointValues_p.value)
    }

    @Test func otherReferenceBundlesHoldTheirKnownTensors() throws {
        let dict = try TensorBundleReader(prefix: TensorBundleFixtures.bundlePrefix("dict_sig"))
        let emb = try #require(dict.entries["emb/.ATTRIBUTES/VARIABLE_VALUE"])
        #expect(emb.dtype == .dtFloat && emb.shape == [10, 4] && emb.size == 160)
        let bert = try TensorBundleReader(
            prefix: TensorBundleFixtures.bundlePrefix("scratch_bert_like"))
        let flag = try #require(bert.entries["do_lower_case/.ATTRIBUTES/VARIABLE_VALUE"])
        #expect(flag.dtype == .dtBool && flag.shape == [] && flag.size == 1)
        #expect(try bert.tensorBytes(key: flag.key).count == 1)
    }

    /// The values of my_mul as TF saved them, added in TF's order (data-file offsets: v at 0,
    /// save_counter at 4, the object graph at 12), must give TF's exact files.
    @Test func reproducesMyMulByteForByte() throws {
        let reference = try TensorBundleReader(prefix: TensorBundleFixtures.bundlePrefix("my_mul"))
        let graph = try reference.strings(key: Self.objectGraphKey)
        var writer = TensorBundleWriter()
        try writer.add(
            key: "v/.ATTRIBUTES/VARIABLE_VALUE", dtype: .dtFloat, shape: [],
            bytes: TensorBundleTests.littleEndianBytes(Float(2.0).bitPattern))
        try writer.add(
            key: "save_counter/.ATTRIBUTES/VARIABLE_VALUE", dtype: .dtInt64, shape: [],
            bytes: TensorBundleTests.littleEndianBytes(UInt64(0)))
        try writer.addString(key: Self.objectGraphKey, strings: graph)

        let directory = try TensorBundleFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let prefix = directory.appendingPathComponent("variables")
        try writer.write(prefix: prefix)
        #expect(
            try Data(contentsOf: prefix.appendingPathExtension("index"))
                == TensorBundleFixtures.indexBytes("my_mul"))
        #expect(
            try Data(contentsOf: prefix.appendingPathExtension("data-00000-of-00001"))
                == TensorBundleFixtures.dataBytes("my_mul"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(leftovers.sorted() == ["variables.data-00000-of-00001", "variables.index"])
    }

    /// Re-adding every reference bundle's tensors in data-file order reproduces both files.
    @Test(arguments: TensorBundleFixtures.bundleNames)
    func rewritesReferenceBundlesIdentically(name: String) throws {
        let reference = try TensorBundleReader(prefix: TensorBundleFixtures.bundlePrefix(name))
        var writer = TensorBundleWriter()
        for entry in reference.entries.values.sorted(by: { $0.offset < $1.offset }) {
            if entry.dtype == .dtString {
                try writer.addString(
                    key: entry.key, strings: reference.strings(key: entry.key), shape: entry.shape)
            } else {
                try writer.add(
                    key: entry.key, dtype: entry.dtype, shape: entry.shape,
                    bytes: reference.tensorBytes(key: entry.key))
            }
        }
        #expect(writer.indexFileBytes() == (try TensorBundleFixtures.indexBytes(name)))
        #expect(writer.dataFileBytes() == (try TensorBundleFixtures.dataBytes(name)))
    }

    @Test func roundTripsEveryDtypeAndRank() throws {
        let floats = (0..<24).map { Float($0) * 0.5 - 3 }
        let int32s: [Int32] = [-7, 0, 1, Int32.max, Int32.min]
        let int64s: [Int64] = [Int64.min, -1, 42]
        let doubles: [Double] = [.pi, -0.0, 1e300]
        let bools: [UInt8] = [1, 0, 0, 1, 1, 0]
        let strings = [
            Data("alpha".utf8), Data(), Data(repeating: 0xFF, count: 300), Data("δ".utf8),
        ]

        var writer = TensorBundleWriter()
        try writer.add(
            key: "f/rank3", dtype: .dtFloat, shape: [2, 3, 4],
            bytes: floats.flatMap { TensorBundleTests.littleEndianBytes($0.bitPattern) })
        try writer.add(
            key: "i32", dtype: .dtInt32, shape: [5],
            bytes: int32s.flatMap { TensorBundleTests.littleEndianBytes(UInt32(bitPattern: $0)) })
        try writer.add(
            key: "i64", dtype: .dtInt64, shape: [3, 1],
            bytes: int64s.flatMap { TensorBundleTests.littleEndianBytes(UInt64(bitPattern: $0)) })
        try writer.add(
            key: "d", dtype: .dtDouble, shape: [3],
            bytes: doubles.flatMap { TensorBundleTests.littleEndianBytes($0.bitPattern) })
        try writer.add(key: "b", dtype: .dtBool, shape: [2, 3], bytes: bools)
        try writer.add(key: "empty", dtype: .dtFloat, shape: [0, 5], bytes: [UInt8]())
        try writer.addString(key: "s/scalar", strings: [Data("only".utf8)])
        try writer.addString(key: "s/vector", strings: strings)
        try writer.addString(key: "s/rank3", strings: strings + strings, shape: [2, 2, 2])

        let directory = try TensorBundleFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let prefix = directory.appendingPathComponent("variables")
        try writer.write(prefix: prefix)
        let bundle = try TensorBundleReader(prefix: prefix)

        #expect(
            bundle.keys == [
                "b", "d", "empty", "f/rank3", "i32", "i64", "s/rank3", "s/scalar", "s/vector",
            ])
        #expect(bundle.entries["f/rank3"]?.shape == [2, 3, 4])
        let floatBytes = try bundle.tensorBytes(key: "f/rank3")
        #expect(
            (0..<24).map { Float(bitPattern: TensorBundleTests.uint32LE(floatBytes, at: $0 * 4)) }
                == floats)
        let intBytes = try bundle.tensorBytes(key: "i32")
        #expect(
            (0..<5).map { Int32(bitPattern: TensorBundleTests.uint32LE(intBytes, at: $0 * 4)) }
                == int32s)
        #expect(
            try bundle.tensorBytes(key: "i64")
                == Data(
                    int64s.flatMap { TensorBundleTests.littleEndianBytes(UInt64(bitPattern: $0)) }))
        #expect(
            try bundle.tensorBytes(key: "d")
                == Data(doubles.flatMap { TensorBundleTests.littleEndianBytes($0.bitPattern) }))
        #expect(try bundle.tensorBytes(key: "b") == Data(bools))
        #expect(bundle.entries["b"]?.dtype == .dtBool)
        #expect(try bundle.tensorBytes(key: "empty").isEmpty)
        #expect(try bundle.strings(key: "s/scalar") == [Data("only".utf8)])
        #expect(bundle.entries["s/scalar"]?.shape == [])
        #expect(try bundle.strings(key: "s/vector") == strings)
        #expect(bundle.entries["s/rank3"]?.shape == [2, 2, 2])
        #expect(try bundle.strings(key: "s/rank3") == strings + strings)
    }

    /// Enough entries to pass the 262144-byte block size exercises block cuts, index
    /// separators, and prefix sharing across many restart groups.
    @Test func roundTripsManyEntriesAcrossSeveralDataBlocks() throws {
        var writer = TensorBundleWriter()
        let count = 6000
        for index in 0..<count {
            try writer.add(
                key: "layer_\(index % 97)/weights_\(index)/.ATTRIBUTES/VARIABLE_VALUE",
                dtype: .dtInt32, shape: [1],
                bytes: TensorBundleTests.littleEndianBytes(UInt32(index)))
        }
        let index = writer.indexFileBytes()
        // Each data block is cut once it reaches the block size, so this means at least two.
        #expect(index.count > TensorBundleTableBuilder.blockSize)
        let bundle = try TensorBundleReader(indexBytes: index, dataBytes: writer.dataFileBytes())
        #expect(bundle.keys.count == count)
        for probe in [0, 1, 2999, 5999] {
            let key = "layer_\(probe % 97)/weights_\(probe)/.ATTRIBUTES/VARIABLE_VALUE"
            #expect(
                try bundle.tensorBytes(key: key)
                    == Data(TensorBundleTests.littleEndianBytes(UInt32(probe))))
        }
    }

    @Test func separatorsFollowLevelDB() {
        typealias Builder = TensorBundleTableBuilder
        #expect(
            Builder.shortSuccessor(Array("v/.ATTRIBUTES/VARIABLE_VALUE".utf8)) == Array("w".utf8))
        #expect(Builder.shortSuccessor([0xFF, 0xFF, 0x10, 0x20]) == [0xFF, 0xFF, 0x11])
        #expect(Builder.shortSuccessor([0xFF, 0xFF]) == [0xFF, 0xFF])
        #expect(
            Builder.shortestSeparator(Array("abcd".utf8), Array("abzz".utf8)) == Array("abd".utf8))
        #expect(
            Builder.shortestSeparator(Array("abc".utf8), Array("abd".utf8)) == Array("abc".utf8))
        #expect(Builder.shortestSeparator(Array("ab".utf8), Array("abc".utf8)) == Array("ab".utf8))
    }

    @Test func writerRejectsBadInput() throws {
        var writer = TensorBundleWriter()
        try writer.add(
            key: "a", dtype: .dtFloat, shape: [2], bytes: [UInt8](repeating: 0, count: 8))
        #expect(throws: TensorBundleError.invalidArgument("a: added twice")) {
            try writer.add(
                key: "a", dtype: .dtFloat, shape: [], bytes: [UInt8](repeating: 0, count: 4))
        }
        #expect(
            throws: TensorBundleError.invalidArgument(
                "the empty key is reserved for the bundle header")
        ) {
            try writer.addString(key: "", strings: [Data()])
        }
        #expect(
            throws: TensorBundleError.invalidArgument(
                "b: shape [2, 3] of dtFloat needs 24 bytes, found 20")
        ) {
            try writer.add(
                key: "b", dtype: .dtFloat, shape: [2, 3], bytes: [UInt8](repeating: 0, count: 20))
        }
        #expect(
            throws: TensorBundleError.invalidArgument(
                "c: dtype dtString has no fixed element size; use addString for DT_STRING")
        ) {
            try writer.add(key: "c", dtype: .dtString, shape: [], bytes: [UInt8]())
        }
        #expect(throws: TensorBundleError.invalidArgument("d: shape [3] holds 3 strings, found 2"))
        {
            try writer.addString(key: "d", strings: [Data(), Data()], shape: [3])
        }
        #expect(writer.keys == ["a"])
    }

    static func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    static func uint32LE(_ data: Data, at offset: Int = 0) -> UInt32 {
        let bytes = [UInt8](data)
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
    }
}
