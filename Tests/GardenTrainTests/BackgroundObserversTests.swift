import Foundation
import Synchronization
import Testing

@testable import GardenTrain

@Suite struct BackgroundObserversTests {
    struct LogFailed: Error, Equatable { let step: Int }

    /// Hears on the background thread, slowly enough that a checkpoint that did not wait for
    /// the news before it would find it missing.
    final class SlowRecorder: TrainingObserver, @unchecked Sendable {
        let events = Mutex<[String]>([])
        var failAt: Int?

        func logged(_ means: LoggedMeans) throws {
            usleep(2000)
            if means.step == failAt { throw LogFailed(step: means.step) }
            events.withLock { $0.append("logged \(means.step)") }
        }
        func evaluated(_ evaluation: EvaluationResult) {
            events.withLock { $0.append("evaluated \(evaluation.step)") }
        }
        func checkpointed(step: Int, at url: URL) {
            events.withLock { $0.append("checkpointed \(step)") }
        }
        func finished() { events.withLock { $0.append("finished") } }
    }

    static func means(_ step: Int) -> LoggedMeans {
        LoggedMeans(step: step, loss: 1, metrics: [:], learningRate: 0.1, stepsPerSecond: 1)
    }

    @Test func theWriterThreadWritesACheckpointAfterEveryNoticeBeforeIt() throws {
        let writer = CheckpointWriter()
        let recorder = SlowRecorder()
        let background = BackgroundObservers([recorder], on: writer.queue)
        try background.logged(Self.means(1))
        try background.logged(Self.means(2))
        try background.evaluated(
            EvaluationResult(step: 2, values: [:], best: nil, isNewBest: false))
        let heardBeforeWrite = Mutex<[String]>([])
        background.handOver()  // as the trainer does before it queues a checkpoint's write
        try writer.submit(bytes: 1) {
            heardBeforeWrite.withLock { $0 = recorder.events.withLock { $0 } }
        }
        try background.checkpointed(step: 2, at: URL(fileURLWithPath: "/ckpt-000002.h5"))
        try background.logged(Self.means(3))
        background.finished()
        #expect(
            heardBeforeWrite.withLock { $0 } == ["logged 1", "logged 2", "evaluated 2"])
        #expect(
            recorder.events.withLock { $0 } == [
                "logged 1", "logged 2", "evaluated 2", "checkpointed 2", "logged 3", "finished",
            ])
    }

    @Test func noticesWithinTheIntervalWaitForTheNextHandOver() throws {
        let queue = DispatchQueue(label: "test")
        let recorder = SlowRecorder()
        // Longer than any machine's uptime: the first notice still goes at once (an hour
        // failed on machines up for less than one).
        let century = Duration.seconds(100 * 365 * 86_400)
        let background = BackgroundObservers([recorder], on: queue, interval: century)
        try background.logged(Self.means(1))  // the first notice is handed over at once
        try background.logged(Self.means(2))
        try background.logged(Self.means(3))
        queue.sync {}
        #expect(recorder.events.withLock { $0 } == ["logged 1"])
        background.handOver()
        queue.sync {}
        #expect(recorder.events.withLock { $0 } == ["logged 1", "logged 2", "logged 3"])
        try background.logged(Self.means(4))
        background.finished()
        #expect(
            recorder.events.withLock { $0 } == [
                "logged 1", "logged 2", "logged 3", "logged 4", "finished",
            ])
    }

    @Test func anErrorOnTheThreadIsThrownOnceByTheNextNotice() throws {
        let recorder = SlowRecorder()
        recorder.failAt = 1
        let queue = DispatchQueue(label: "test")
        let background = BackgroundObservers([recorder], on: queue)
        try background.logged(Self.means(1))
        queue.sync {}  // the first notice has been handled
        let url = URL(fileURLWithPath: "/ckpt-000002.h5")
        #expect(throws: LogFailed(step: 1)) { try background.checkpointed(step: 2, at: url) }
        // Once, and the notice that threw it was not handed over.
        try background.logged(Self.means(3))
        background.finished()
        #expect(recorder.events.withLock { $0 } == ["logged 3", "finished"])
    }
}
