import Foundation
import Synchronization
import Testing

@testable import GardenTrain

@Suite struct CheckpointWriterTests {
    struct WriteFailed: Error, Equatable { let step: Int }

    @Test func writesRunOneAtATimeInSubmissionOrder() throws {
        let writer = CheckpointWriter()
        let trace = Mutex<[String]>([])
        for step in 1...3 {
            try writer.submit {
                trace.withLock { $0.append("start \(step)") }
                usleep(2000)  // long enough that an overlapping next write would interleave
                trace.withLock { $0.append("end \(step)") }
            }
        }
        try writer.finish()
        #expect(
            trace.withLock { $0 } == [
                "start 1", "end 1", "start 2", "end 2", "start 3", "end 3",
            ])
    }

    @Test func aFailedWriteIsThrownOnceByTheNextSubmitWhichDoesNotStart() throws {
        let writer = CheckpointWriter()
        let started = Mutex<[Int]>([])
        try writer.submit {
            started.withLock { $0.append(1) }
            throw WriteFailed(step: 1)
        }
        #expect(throws: WriteFailed(step: 1)) {
            try writer.submit { started.withLock { $0.append(2) } }
        }
        try writer.finish()  // reported once
        #expect(started.withLock { $0 } == [1])
        try writer.submit { throw WriteFailed(step: 3) }
        #expect(throws: WriteFailed(step: 3)) { try writer.finish() }
    }
}
