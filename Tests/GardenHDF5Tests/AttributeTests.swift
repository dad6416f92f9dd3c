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
