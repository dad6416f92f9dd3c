import Foundation
import GardenTestSupport
import GardenTrain
import Testing

@Suite struct TrainTimingsTests {
    @Test func aRunAccountsForItsOwnStepsAndEachPartOfItsLoop() throws {
        let dir = try TemporaryDirectory()
        let first = try BlobsTask().trainer(
            dir: dir.url, steps: 12, checkpointEvery: 4, heldOut: 40
        ) { $0.evalEvery = 5 }.run()
        let t = try #require(first.timings)
        #expect(t.steps == 12)
        #expect(t.stepSeconds > 0 && t.batchSeconds > 0)
        // Evaluated at 5, 10 and 12; checkpointed at 4, 8, 12 and at each new best.
        #expect(t.evaluationSeconds > 0 && t.checkpointSeconds > 0)
        let parts = t.stepSeconds + t.batchSeconds + t.evaluationSeconds + t.checkpointSeconds
        #expect(parts <= t.loopSeconds)
        #expect(t.finishSeconds >= 0 && t.otherSeconds >= 0)

        // Resumed at 12: only its own 4 steps, and nothing to time when nothing is left.
        let resumed = try BlobsTask().trainer(
            dir: dir.url, steps: 16, checkpointEvery: 4, heldOut: 40
        ) { $0.evalEvery = 5 }.run()
        #expect(resumed.timings?.steps == 4)
        let done = try BlobsTask().trainer(
            dir: dir.url, steps: 16, checkpointEvery: 4, heldOut: 40
        ) { $0.evalEvery = 5 }.run()
        #expect(done.timings == nil)
    }

    @Test func theLineGivesEachPartInSecondsAndTheStepInMilliseconds() {
        var t = TrainTimings()
        t.steps = 6000
        t.stepSeconds = 0.48; t.batchSeconds = 0.0104; t.evaluationSeconds = 0.0111
        t.checkpointSeconds = 0.0026; t.loopSeconds = 0.5123; t.finishSeconds = 0.0021
        #expect(
            t.summaryLine
                == "time 0.512 s for 6000 steps: steps 0.480 s (0.080 ms each), batches 0.010 s, "
                + "evaluation 0.011 s, checkpoints 0.003 s, the rest 0.008 s; writes finished "
                + "0.002 s later")
    }
}
