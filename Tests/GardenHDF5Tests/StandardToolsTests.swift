import Foundation
import Testing

@testable import GardenHDF5

/// Our files must open in the standard HDF5 tools (and so in h5py and Keras), not just in
/// our own reader. h5ls and h5dump come with hdf5-tools, a build dependency.
@Suite struct StandardToolsTests {
    /// Runs a tool found on PATH and returns its standard output.
    private func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(tool) \(arguments) failed")
        return String(decoding: data, as: UTF8.self)
    }

    @Test func h5lsAndH5dumpReadOurFiles() throws {
        let directory = try TemporaryDirectory()
        let url = directory.file("tools.h5")
        try HDF5File.atomicallyWrite(to: url) { file in
            try file.write([1.5, -2, 3, 4, 5, 6] as [Float], shape: [2, 3], at: "encoder/kernel")
            try file.write([0, 255] as [UInt8], shape: [2], at: "train/images")
            try file.writeAttribute("format", "garden-checkpoint")
        }

        let listing = try run("h5ls", ["-r", url.path])
        #expect(listing.contains("/encoder/kernel          Dataset {2, 3}"))
        #expect(listing.contains("/train/images            Dataset {2}"))

        let dump = try run("h5dump", [url.path])
        #expect(dump.contains("H5T_IEEE_F32LE"))
        #expect(dump.contains("H5T_STD_U8LE"))
        #expect(dump.contains("(0,0): 1.5, -2, 3,"))
        #expect(dump.contains("STRSIZE H5T_VARIABLE;"))
        #expect(dump.contains("CSET H5T_CSET_UTF8;"))
        #expect(dump.contains("(0): \"garden-checkpoint\""))
    }
}
