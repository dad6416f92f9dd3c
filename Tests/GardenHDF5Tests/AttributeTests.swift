import Foundation
import Testing

@testable import GardenHDF5

@Suite struct AttributeTests {
    @Test func attributesRoundTripOnRootGroupsAndDatasets() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("attrs.h5")
        let file = try HDF5File.create(at: url)
        try file.write([1, 2, 3] as [Float], shape: [3], at: "encoder/layer_0/kernel")
        try file.writeAttribute("format", "garden-checkpoint")
        try file.writeAttribute("version", Int64(3))
        try file.writeAttribute("learning_rate", 0.001)
        try file.writeAttribute("note", "héllo, 世界", at: "encoder")
        try file.writeAttribute("initializer", "glorot_uniform", at: "encoder/layer_0/kernel")
        try file.writeAttribute("step", Int64.min, at: "/encoder/layer_0/kernel")
        try file.close()

        let reader = try HDF5File.open(at: url)
        #expect(try reader.readStringAttribute("format") == "garden-checkpoint")
        #expect(try reader.readInt64Attribute("version") == 3)
        #expect(try reader.readDoubleAttribute("learning_rate") == 0.001)
        #expect(try reader.readAttribute("note", at: "encoder") == .string("héllo, 世界"))
        #expect(
            try reader.readStringAttribute("initializer", at: "encoder/layer_0/kernel")
                == "glorot_uniform")
        #expect(try reader.readInt64Attribute("step", at: "encoder/layer_0/kernel") == .min)
        #expect(try reader.attributeNames() == ["format", "learning_rate", "version"])
        #expect(try reader.attributeNames(at: "encoder") == ["note"])
        #expect(try reader.attributeNames(at: "encoder/layer_0") == [])
    }

    /// Attributes set with their dataset (`write(_:shape:at:attributes:)`) or several at once
    /// (`writeAttributes`) give the bytes that setting each after the fact gives, including on
    /// a dataset replaced in place and on one replaced by another shape.
    @Test func attributesSetWithTheirDatasetOrTogetherGiveTheSameFile() throws {
        let directory = try TemporaryDirectory()
        let together = directory.file("together.h5"), apart = directory.file("apart.h5")
        let root: [(name: String, value: HDF5AttributeValue)] = [
            ("step", .int64(300)), ("recipe", .string("name: mlp\n")), ("loss", .double(0.25)),
        ]
        let checksum: [(name: String, value: HDF5AttributeValue)] = [("crc32c", .int64(7))]
        try HDF5File.atomicallyWrite(to: together) { f in
            try f.writeAttributes(root)
            try f.write([1, 2, 3] as [Float], shape: [3], at: "dense/kernel", attributes: checksum)
            try f.write([4] as [Float], shape: [1], at: "dense/bias", attributes: checksum)
            try f.write([5, 6, 7] as [Float], shape: [3], at: "dense/kernel", attributes: checksum)
            try f.write([8, 9] as [Float], shape: [2], at: "dense/bias", attributes: checksum)
        }
        try HDF5File.atomicallyWrite(to: apart) { f in
            for (name, value) in root { try f.writeAttribute(name, value) }
            for (path, values) in [
                ("dense/kernel", [1, 2, 3]), ("dense/bias", [4]), ("dense/kernel", [5, 6, 7]),
                ("dense/bias", [8, 9]),
            ] as [(String, [Float])] {
                try f.write(values, shape: [values.count], at: path)
                try f.writeAttribute("crc32c", Int64(7), at: path)
            }
        }
        #expect(try Data(contentsOf: together) == Data(contentsOf: apart))
        let reader = try HDF5File.open(at: together)
        #expect(try reader.readAttribute("recipe") == .string("name: mlp\n"))
        #expect(try reader.readDoubleAttribute("loss") == 0.25)
        #expect(try reader.readInt64Attribute("crc32c", at: "dense/bias") == 7)
        #expect(try reader.readFloat("dense/bias").values == [8, 9])
        #expect(try reader.attributeNames(at: "dense/kernel") == ["crc32c"])
    }

    @Test func rewritingAnAttributeReplacesItsValueAndType() throws {
        let directory = try TemporaryDirectory()
        let file = try HDF5File.create(at: directory.file("attrs.h5"))
        try file.writeAttribute("epoch", "one")
        try file.writeAttribute("epoch", Int64(2))
        #expect(try file.readAttribute("epoch") == .int64(2))
        #expect(try file.attributeNames() == ["epoch"])
    }

    @Test func emptyStringAttributeRoundTrips() throws {
        let directory = try TemporaryDirectory()
        let file = try HDF5File.create(at: directory.file("attrs.h5"))
        try file.writeAttribute("empty", "")
        #expect(try file.readStringAttribute("empty") == "")
    }
}
