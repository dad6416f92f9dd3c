import Foundation
import GardenCRC32C
import GardenTestSupport
import GardenTrain
import TFProto
import Testing

@Suite struct SummaryWriterTests {
    /// Reads TFRecord frames back, checking both masked CRCs of each.
    func records(_ data: Data) throws -> [Data] {
        var out: [Data] = [], i = 0
        let bytes = [UInt8](data)
        func u32(_ at: Int) -> UInt32 {
            (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * $1) }
        }
        while i < bytes.count {
            let len = (0..<8).reduce(0) { $0 | Int(bytes[i + $1]) << (8 * $1) }
            #expect(CRC32C.mask(CRC32C.checksum(Array(bytes[i..<i + 8]))) == u32(i + 8))
            let body = Array(bytes[i + 12..<i + 12 + len])
            #expect(CRC32C.mask(CRC32C.checksum(body)) == u32(i + 12 + len))
            out.append(Data(body)); i += 16 + len
        }
        return out
    }

    @Test func writesAFileVersionEventThenScalarSummaries() throws {
        let dir = try TemporaryDirectory()
        let w = try SummaryWriter(directory: dir.url, startStep: 0, clock: { 1_700_000_000.5 })
        w.write(scalars: ["loss": 0.5, "learning_rate": 0.01], step: 10)
        w.flush()
        #expect(w.url.lastPathComponent.hasPrefix("events.out.tfevents.1700000000."))
        let events = try records(Data(contentsOf: w.url)).map {
            try Tensorflow_Event(serializedBytes: $0)
        }
        #expect(events.count == 2)
        #expect(events[0].fileVersion == "brain.Event:2")
        #expect(events[1].step == 10 && events[1].wallTime == 1_700_000_000.5)
        #expect(events[1].summary.value.map(\.tag) == ["learning_rate", "loss"])
        #expect(events[1].summary.value.map(\.simpleValue) == [0.01, 0.5])
    }
}
