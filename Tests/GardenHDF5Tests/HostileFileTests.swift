import CHDF5
import Foundation
import Testing

@testable import GardenHDF5

/// Files that crash, hang or exhaust libhdf5 or a reader: each is one clear error, in bounded
/// time, before anything large is allocated.
@Suite struct HostileFileTests {
    /// The fuzz finding whose variable-length string attribute (`blas_config`) claims more
    /// bytes than its global heap holds: libhdf5 1.10's `H5HG_read` copied them (SIGSEGV).
    static let crasher = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/regressions/checkpoint/vlen-string-heap-length.h5")

    @Test func aFileThatCrashesLibhdf5IsRefusedByTheVerifier() throws {
        let start = Date()
        let error = #expect(throws: HDF5Error.self) { try HDF5File.open(at: Self.crasher) }
        #expect(
            error?.errorDescription
                == "\(Self.crasher.path): not a readable HDF5 file: libhdf5 crashed reading its"
                + " metadata (signal 11, Segmentation fault); the file is damaged")
        #expect(Date().timeIntervalSince(start) < 30)
    }

    @Test func aFileThatMakesLibhdf5LoopIsRefusedAfterTwoSecondsOfCPU() throws {
        // Fuzz finding: a damaged global heap that H5HG__protect decodes forever.
        let url = Self.crasher.deletingLastPathComponent()
            .appendingPathComponent("global-heap-loop.h5")
        let start = Date()
        let error = #expect(throws: HDF5Error.self) { try HDF5File.open(at: url) }
        #expect(
            error?.errorDescription
                == "\(url.path): not a readable HDF5 file: reading its metadata used more than 2 s"
                + " of CPU time; the file is damaged")
        #expect(Date().timeIntervalSince(start) < 60)
    }

    @Test func verifierTimeGrowsWithTheFileOnly() {
        #expect(HDF5Verifier.cpuSeconds(fileSize: 1024) == 2)
        #expect(HDF5Verifier.cpuSeconds(fileSize: 160 << 20) == 12)
        #expect(HDF5Verifier.wallSeconds(fileSize: 1024) == 68)
    }

    /// Makes a file with libhdf5 directly, for structures HDF5File never writes.
    func makeFile(_ url: URL, _ build: (hid_t) -> Void) {
        let file = H5Fcreate(
            url.path, garden_h5f_acc_trunc(), garden_h5p_default(), garden_h5p_default())
        precondition(file >= 0)
        build(file)
        H5Fclose(file)
    }

    /// A chunked float32 dataset `name` of `shape`, chunks of `chunk` (none: `configure` sets
    /// the layout), never written.
    func chunkedDataset(
        _ file: hid_t, _ name: String, shape: [hsize_t], chunk: [hsize_t],
        configure: (hid_t) -> Void = { _ in }
    ) -> hid_t {
        let space = H5Screate_simple(Int32(shape.count), shape, nil)
        let dcpl = H5Pcreate(garden_h5p_dataset_create())
        if !chunk.isEmpty { H5Pset_chunk(dcpl, Int32(chunk.count), chunk) }
        configure(dcpl)
        let dataset = H5Dcreate2(
            file, name, garden_h5t_ieee_f32le(), space, garden_h5p_default(), dcpl,
            garden_h5p_default())
        H5Pclose(dcpl)
        H5Sclose(space)
        return dataset
    }

    /// Reading dataset `x` of `url` throws `message` (after the path).
    func expectReadingXFails(_ url: URL, _ message: String) {
        let error = #expect(throws: HDF5Error.self) { try HDF5File.open(at: url).readFloat("x") }
        #expect(error?.errorDescription == "\(url.path): \(message)")
    }

    @Test func hardLinksThatLoopAreWalkedInBoundedTime() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("loop.h5")
        makeFile(url) { file in
            let group = H5Gcreate2(
                file, "g", garden_h5p_default(), garden_h5p_default(), garden_h5p_default())
            // g/a and g/b are g itself: 2^64 paths below the depth limit.
            H5Lcreate_hard(file, "g", group, "a", garden_h5p_default(), garden_h5p_default())
            H5Lcreate_hard(file, "g", group, "b", garden_h5p_default(), garden_h5p_default())
            H5Gclose(group)
        }
        let start = Date()
        let file = try HDF5File.open(at: url)
        let error = #expect(throws: HDF5Error.self) { try file.listDatasets() }
        #expect(
            error?.errorDescription
                == "\(url.path): HDF5 failed to list the file: it has more than 10000 links"
                + " (hard links may loop)")
        #expect(Date().timeIntervalSince(start) < 60)
    }

    @Test func aChunkedDatasetStoringLessThanItDeclaresIsRefused() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("sparse.h5")
        makeFile(url) { file in
            H5Dclose(chunkedDataset(file, "x", shape: [1000, 1000], chunk: [100, 100]))
        }
        expectReadingXFails(
            url,
            "dataset 'x' declares shape [1000, 1000] (4000000 bytes), more than the 0 bytes it"
                + " stores: the file is damaged")
    }

    @Test func aDeflatedDatasetReadsWithinDeflatesBound() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("deflated.h5")
        let values = (0..<10_000).map { Float($0 % 7) }
        makeFile(url) { file in
            let dataset = chunkedDataset(file, "x", shape: [100, 100], chunk: [10, 100]) {
                H5Pset_shuffle($0)
                H5Pset_deflate($0, 9)
            }
            values.withUnsafeBufferPointer {
                _ = H5Dwrite(
                    dataset, garden_h5t_native_float(), garden_h5s_all(), garden_h5s_all(),
                    garden_h5p_default(), $0.baseAddress)
            }
            H5Dclose(dataset)
        }
        #expect(try HDF5File.open(at: url).readFloat("x").values == values)
    }

    @Test func dataInExternalFilesIsRefused() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("external.h5")
        makeFile(url) { file in
            // Contiguous, its 16 bytes in another file: one H5Pset_external replaces the chunks.
            H5Dclose(
                chunkedDataset(file, "x", shape: [4], chunk: []) {
                    H5Pset_layout($0, H5D_CONTIGUOUS)
                    H5Pset_external($0, "/etc/hostname", 0, 16)
                })
        }
        expectReadingXFails(
            url,
            "dataset 'x' stores its data in external files; only data stored in the file is read")
    }

    /// An attribute's value lies in its message in the object header, and libhdf5 1.10.8
    /// refuses to decode a message whose string type declares more bytes than the message holds,
    /// so a fixed-length string is bounded by the file before anything is allocated for it.
    @Test func aFixedLengthStringLongerThanItsMessageIsRefused() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("string.h5")
        makeFile(url) { file in
            let type = H5Tcopy(garden_h5t_c_s1())
            H5Tset_size(type, 13)
            let space = H5Screate(H5S_SCALAR)
            let attribute = H5Acreate2(
                file, "name", type, space, garden_h5p_default(), garden_h5p_default())
            _ = H5Awrite(attribute, type, "garden-string")
            H5Aclose(attribute)
            H5Sclose(space)
            H5Tclose(type)
        }
        // The datatype message: class 3 (string), version 1, padding and character set 0, then
        // the size, 13 as a 32-bit little-endian number; make it 2^31 - 1.
        var bytes = [UInt8](try Data(contentsOf: url))
        let message: [UInt8] = [0x13, 0, 0, 0, 13, 0, 0, 0]
        let at = try #require(
            (0...(bytes.count - message.count)).first { Array(bytes[$0..<$0 + 8]) == message })
        bytes.replaceSubrange(at + 4..<at + 8, with: [0xFF, 0xFF, 0xFF, 0x7F])
        try Data(bytes).write(to: url)
        let error = #expect(throws: HDF5Error.self) {
            try HDF5File.open(at: url).readStringAttribute("name")
        }
        #expect(error?.errorDescription == "\(url.path): HDF5 failed to read the attributes of '/'")
    }

    @Test func memoryIsTheSmallerOfMemTotalAndTheCgroupLimit() {
        let meminfo = "MemTotal:        2000 kB\nMemFree:          100 kB\n"
        #expect(MachineMemory.limit(meminfo: meminfo, cgroupMax: nil, fallback: 1) == 2_048_000)
        #expect(
            MachineMemory.limit(meminfo: meminfo, cgroupMax: "max\n", fallback: 1) == 2_048_000)
        #expect(
            MachineMemory.limit(meminfo: meminfo, cgroupMax: "1048576\n", fallback: 1) == 1_048_576)
        #expect(
            MachineMemory.limit(meminfo: meminfo, cgroupMax: "9999999999\n", fallback: 1)
                == 2_048_000)
        #expect(MachineMemory.limit(meminfo: nil, cgroupMax: "4096", fallback: 8192) == 4096)
    }
}
