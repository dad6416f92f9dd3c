import Foundation
import GardenNN
import GardenTensor
import GardenTestSupport
import GardenTrain
import Testing

@Suite struct TrainerTests {
    func makeTrainer(dir: URL, steps: Int, checkpointEvery: Int = 100) -> Trainer<BlobsTask> {
        BlobsTask().trainer(dir: dir, steps: steps, checkpointEvery: checkpointEvery)
    }

    @Test func lossFallsOnSeparableData() throws {
        let dir = try TemporaryDirectory()
        let summary = try makeTrainer(dir: dir.url, steps: 60).run()
        let first = try #require(summary.firstLoss), last = try #require(summary.lastLoss)
        #expect(last < first * 0.5, "loss \(first) -> \(last)")
        #expect(
            try Checkpoint.latest(in: dir.url.appendingPathComponent("checkpoints"))?
                .lastPathComponent == "ckpt-000060.h5")
    }

    @Test func resumedRunEndsBitIdenticalToAnUninterruptedOne() throws {
        let straight = try TemporaryDirectory(), resumed = try TemporaryDirectory()
        _ = try makeTrainer(dir: straight.url, steps: 12).run()
        _ = try makeTrainer(dir: resumed.url, steps: 7, checkpointEvery: 7).run()
        let second = try makeTrainer(dir: resumed.url, steps: 12).run()
        #expect(second.startStep == 7)
        let name = "checkpoints/ckpt-000012.h5"
        let a = try Data(contentsOf: straight.url.appendingPathComponent(name))
        let b = try Data(contentsOf: resumed.url.appendingPathComponent(name))
        #expect(a == b)
    }
}
