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
            try writer.submit(bytes: 1) {
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

    /// A budget of one byte: each submit waits for the write before it, which has failed.
    @Test func aFailedWriteIsThrownOnceByTheNextSubmitWhichDoesNotStart() throws {
        let writer = CheckpointWriter(budget: 1)
        let started = Mutex<[Int]>([])
        try writer.submit(bytes: 1) {
            started.withLock { $0.append(1) }
            throw WriteFailed(step: 1)
        }
        #expect(throws: WriteFailed(step: 1)) {
            try writer.submit(bytes: 1) { started.withLock { $0.append(2) } }
        }
        try writer.finish()  // reported once
        #expect(started.withLock { $0 } == [1])
        try writer.submit(bytes: 1) { throw WriteFailed(step: 3) }
        #expect(throws: WriteFailed(step: 3)) { try writer.finish() }
    }

    /// Within the budget a submit returns while the write before it still runs; beyond it, a
    /// submit waits for every write before it.
    @Test func submitsWaitOnlyBeyondTheBudget() throws {
        let writer = CheckpointWriter(budget: 100)
        let release = DispatchSemaphore(value: 0)
        let trace = Mutex<[String]>([])
        try writer.submit(bytes: 60) {
            release.wait()
            trace.withLock { $0.append("wrote 1") }
        }
        try writer.submit(bytes: 40) { trace.withLock { $0.append("wrote 2") } }
        // Both queued without waiting (60 + 40 is within 100), the first still blocked.
        #expect(trace.withLock { $0 }.isEmpty)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { release.signal() }
        try writer.submit(bytes: 1) { trace.withLock { $0.append("wrote 3") } }
        // 100 + 1 is beyond the budget: the third submit returned after the first two wrote.
        #expect(Array(trace.withLock { $0 }.prefix(2)) == ["wrote 1", "wrote 2"])
        try writer.finish()
        #expect(trace.withLock { $0 } == ["wrote 1", "wrote 2", "wrote 3"])
    }
}
