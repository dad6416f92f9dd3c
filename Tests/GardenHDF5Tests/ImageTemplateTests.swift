import Foundation
import Testing

@testable import GardenHDF5

/// The template's bytes against libhdf5's: every file written through a template must equal,
/// byte for byte, the same content written without one.
@Suite struct ImageTemplateTests {
    /// A checkpoint-like file at `step`: values and numeric attributes change with the step,
    /// strings and shapes do not.
    static func content(step: Int, extraAttribute: Bool = false) -> HDF5FileContent {
        func values(_ count: Int, _ salt: Int) -> [Float] {
            (0..<count).map { Float(($0 &* 7919 &+ step &* 104_729 &+ salt) % 2003) / 1001 - 1 }
        }
        var attributes: [(name: String, value: HDF5AttributeValue)] = [
            ("format_version", .int64(3)), ("step", .int64(Int64(step))),
            ("recipe", .string("model:\n  hidden_sizes: [32, 32]\n")),
            ("best_value", .double(Double(step) / 7)),
        ]
        if extraAttribute { attributes.append(("best_step", .int64(Int64(step - 1)))) }
        return HDF5FileContent(
            attributes: attributes,
            datasets: [
                .init(
                    path: "dense/kernel", values: .float32(shape: [4, 3], values: values(12, 1)),
                    attributes: [("crc32c", .int64(Int64(step * 31 + 5)))]),
                .init(
                    path: "dense/bias", values: .float32(shape: [3], values: values(3, 2)),
                    attributes: [("crc32c", .int64(Int64(step * 17)))]),
                .init(
                    path: "optimizer/iterations",
                    values: .int32(shape: [], values: [Int32(step)]),
                    attributes: [("crc32c", .int64(-Int64(step)))]),
                .init(path: "optimizer/empty", values: .float32(shape: [0], values: [])),
            ])
    }

    /// Writes `content` through `template` and without it; returns whether the bytes agree.
    static func agrees(
        _ content: HDF5FileContent, _ template: HDF5ImageTemplate, in directory: TemporaryDirectory
    ) throws -> Bool {
        let plain = directory.file("plain.h5")
        let templated = directory.file("templated.h5")
        try HDF5File.atomicallyWrite(content, to: plain)
        try HDF5File.atomicallyWrite(content, to: templated, reusing: template)
        return try Data(contentsOf: plain) == Data(contentsOf: templated)
    }

    @Test func patchedFilesEqualWhatLibhdf5Builds() throws {
        let directory = try TemporaryDirectory()
        let template = HDF5ImageTemplate()
        for step in 1...5 {
            #expect(try Self.agrees(Self.content(step: step), template, in: directory))
        }
        #expect(template.patchedImages == 4)
        let file = try HDF5File.open(at: directory.file("templated.h5"))
        #expect(
            try file.readFloat("dense/bias").values
                == Self.content(step: 5).datasets[1].values.floatValues)
        #expect(try file.readInt64Attribute("crc32c", at: "dense/kernel") == 5 * 31 + 5)
        #expect(try file.readDoubleAttribute("best_value") == 5.0 / 7)
        #expect(try file.readInt32("optimizer/iterations").values == [5])
    }

    @Test func aNewLayoutIsBuiltByLibhdf5AndLearnt() throws {
        let directory = try TemporaryDirectory()
        let template = HDF5ImageTemplate()
        #expect(try Self.agrees(Self.content(step: 1), template, in: directory))
        #expect(
            try Self.agrees(Self.content(step: 2, extraAttribute: true), template, in: directory))
        #expect(template.patchedImages == 0)
        #expect(
            try Self.agrees(Self.content(step: 3, extraAttribute: true), template, in: directory))
        #expect(template.patchedImages == 1)
        var changedString = Self.content(step: 4, extraAttribute: true)
        changedString.attributes[2].value = .string("model:\n  hidden_sizes: [64]\n")
        #expect(try Self.agrees(changedString, template, in: directory))
        #expect(template.patchedImages == 1)
    }

    /// An attribute set twice leaves one in the file, so one sentinel is never found: the
    /// template declines, and libhdf5 builds every file of that layout.
    @Test func aLayoutItCannotReproduceIsAlwaysBuiltByLibhdf5() throws {
        let directory = try TemporaryDirectory()
        let template = HDF5ImageTemplate()
        for step in 1...3 {
            var content = Self.content(step: step)
            content.attributes.append(("step", .int64(Int64(step + 100))))
            #expect(try Self.agrees(content, template, in: directory))
        }
        #expect(template.patchedImages == 0)
    }

    /// A layout is probed once: one it cannot reproduce costs one libhdf5 build per file
    /// afterwards, not a probe each time, and those builds do not look the values up.
    @Test func aLayoutIsProbedOnce() throws {
        let directory = try TemporaryDirectory()
        let target = try HDF5File.AtomicTarget(directory.file("counted.h5"))
        var builds = 0, locatingBuilds = 0
        func build(_ content: HDF5FileContent) throws -> [UInt8] {
            builds += 1
            return try HDF5File.inMemoryImage(of: content, target).image
        }
        func buildLocatingValues(_ content: HDF5FileContent) throws -> (
            image: [UInt8], dataOffsets: [Int?]
        ) {
            builds += 1; locatingBuilds += 1
            return try HDF5File.inMemoryImage(of: content, target)
        }
        let reproducible = HDF5ImageTemplate()
        for step in 1...3 {
            _ = try reproducible.image(
                of: Self.content(step: step), build: build,
                buildLocatingValues: buildLocatingValues)
        }
        #expect(builds == 2 && locatingBuilds == 2 && reproducible.patchedImages == 2)
        (builds, locatingBuilds) = (0, 0)
        let unreproducible = HDF5ImageTemplate()
        for step in 1...3 {
            var content = Self.content(step: step)
            content.attributes.append(("step", .int64(Int64(step + 100))))
            _ = try unreproducible.image(
                of: content, build: build, buildLocatingValues: buildLocatingValues)
        }
        #expect(builds == 4 && locatingBuilds == 2 && unreproducible.patchedImages == 0)
    }

    @Test func filesAboveTheByteLimitAreAlwaysBuiltByLibhdf5() throws {
        let directory = try TemporaryDirectory()
        let template = HDF5ImageTemplate(byteLimit: 1024)
        for step in 1...3 {
            #expect(try Self.agrees(Self.content(step: step), template, in: directory))
        }
        #expect(template.patchedImages == 0)
    }

    @Test func sentinelsFoundTwiceOrInsideValuesDoNotCount() {
        let sentinel = withUnsafeBytes(of: HDF5ImageTemplate.Sentinel.pattern(0).littleEndian) {
            [UInt8]($0)
        }
        let once = [0, 0] + sentinel + [0]
        func find(_ count: Int, in image: [UInt8], outside values: [Range<Int>]) -> [Int]? {
            HDF5ImageTemplate.Sentinel.find(
                count, in: image,
                within: HDF5ImageTemplate.ranges(of: image.count, outside: values))
        }
        #expect(find(1, in: once, outside: []) == [2])
        #expect(find(1, in: once, outside: [1..<5]) == nil)
        #expect(find(1, in: once + sentinel, outside: []) == nil)
        #expect(find(1, in: once + sentinel, outside: [11..<19]) == [2])
        #expect(find(2, in: once, outside: []) == nil)
    }
}
