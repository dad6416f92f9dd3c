import Foundation
import GardenNN
import GardenTensor
import GardenTestSupport
import GardenTrain
import Testing

@Suite struct TrainerEvalCheckpointTests {
    func makeTrainer(
        dir: URL, steps: Int, lr: @escaping (Int) -> Float = { _ in 0.01 }, keep: Int = 2
    ) -> Trainer<BlobsTask> {
        BlobsTask().trainer(dir: dir, steps: steps, checkpointEvery: 4, heldOut: 40) {
            $0.learningRate = lr
            $0.evalEvery = 5; $0.keepCheckpoints = keep; $0.bestMetric = "accuracy"
        }
    }

    @Test func splitIsDeterministicDisjointAndComplete() {
        let x = Tensor((0..<50).map(Float.init), shape: [50, 1])
        let d = InMemoryDataset(
            SupervisedBatch(
                inputs: x, targets: Tensor(int32: (0..<50).map(Int32.init), shape: [50])),
            batchSize: 8, seed: 9)
        let (a, b) = d.split(heldOut: 10), (a2, b2) = d.split(heldOut: 10)
        let evalRows = try! #require(b).examples.targets.int32s
        let trainRows = a.examples.targets.int32s
        #expect(evalRows.count == 10 && trainRows.count == 40)
        #expect(Set(evalRows).isDisjoint(with: trainRows))
        #expect(
            evalRows == b2?.examples.targets.int32s && trainRows == a2.examples.targets.int32s)
        #expect(evalRows != Array(0..<10))  // a seeded choice, not the first rows
    }

    /// Names with `loss` or `error` anywhere are minimized, the rest maximized; a tie keeps
    /// the earlier evaluation.
    @Test func theBestMetricsDirectionFollowsItsName() {
        for name in ["loss", "masked_lm_loss", "mean_squared_error", "eval/loss"] {
            #expect(
                BestEvaluation(metric: name, step: 1, value: 0.5).isImproved(by: 0.4), "\(name)")
            #expect(!BestEvaluation(metric: name, step: 1, value: 0.5).isImproved(by: 0.6))
        }
        for name in ["accuracy", "class_f1", "lo_ss", "precision"] {
            #expect(
                BestEvaluation(metric: name, step: 1, value: 0.5).isImproved(by: 0.6), "\(name)")
            #expect(!BestEvaluation(metric: name, step: 1, value: 0.5).isImproved(by: 0.4))
        }
        #expect(!BestEvaluation(metric: "loss", step: 1, value: 0.5).isImproved(by: 0.5))
        #expect(!BestEvaluation(metric: "accuracy", step: 1, value: 0.5).isImproved(by: 0.5))
    }

    @Test func evaluatesKeepsLastCheckpointsAndTheBestAndRecordsIt() throws {
        let dir = try TemporaryDirectory()
        let summary = try makeTrainer(dir: dir.url, steps: 22).run()
        #expect(summary.lastEval["accuracy"] != nil && summary.lastEval["loss"] != nil)
        let best = try #require(summary.best)
        #expect(best.metric == "accuracy")
        let ckpts = dir.url.appendingPathComponent("checkpoints")
        let names = try FileManager.default.contentsOfDirectory(atPath: ckpts.path).sorted()
        let expected = Set([
            Checkpoint.fileName(step: best.step), "ckpt-000020.h5", "ckpt-000022.h5",
        ])
        #expect(Set(names) == expected, "\(names)")
        let last = try Checkpoint.read(from: ckpts.appendingPathComponent("ckpt-000022.h5"))
        #expect(last.best == best)
        #expect(last.recipeSHA256 == SHA256.hex("name: t\n"))
        // metrics.jsonl: train lines every 5 steps and at 22, eval lines at 5, 10, 15, 20, 22.
        let lines = try String(
            contentsOf: dir.url.appendingPathComponent("metrics.jsonl"), encoding: .utf8
        )
        .split(separator: "\n")
        #expect(lines.filter { $0.contains("eval/accuracy") }.count == 5)
        #expect(lines.filter { $0.contains("\"learning_rate\"") }.count == 5)
        let events = try FileManager.default.contentsOfDirectory(
            atPath: dir.url.appendingPathComponent("events/eval").path)
        #expect(events.count == 1 && events[0].hasPrefix("events.out.tfevents."))
    }

    @Test func resumeWithEvalAndRetentionIsBitIdentical() throws {
        let straight = try TemporaryDirectory(), resumed = try TemporaryDirectory()
        _ = try makeTrainer(dir: straight.url, steps: 22).run()
        // Stopped at an evaluation step of the whole run: a run's last step is always
        // evaluated, so stopping elsewhere adds an evaluation (and maybe a best) of its own.
        _ = try makeTrainer(dir: resumed.url, steps: 10).run()
        let second = try makeTrainer(dir: resumed.url, steps: 22).run()
        #expect(second.startStep == 10)
        let name = "checkpoints/ckpt-000022.h5"
        #expect(
            try Data(contentsOf: straight.url.appendingPathComponent(name))
                == Data(contentsOf: resumed.url.appendingPathComponent(name)))
    }

    @Test func aNonFiniteLossStopsNamingTheStepAndKeepsTheLastGoodCheckpoint() throws {
        let dir = try TemporaryDirectory()
        // A sane rate for 8 steps (checkpoints at 4 and 8), then one that blows up.
        let t = makeTrainer(dir: dir.url, steps: 30, lr: { $0 <= 8 ? 0.01 : 1e30 }, keep: 0)
        let lastGood = dir.url.appendingPathComponent("checkpoints/ckpt-000008.h5").path
        #expect {
            try t.run()
        } throws: { error in
            // Which step first overflows, and to what, depends on the run; the line does not.
            guard let e = error as? NonFiniteLossError, e.step > 8 else { return false }
            return e.localizedDescription
                == "\(e.quantity) is \(e.value) at step \(e.step): training stopped; the latest "
                + "checkpoint \(lastGood) is the last good one"
        }
        let latest = try #require(
            try Checkpoint.latest(in: dir.url.appendingPathComponent("checkpoints")))
        #expect(latest.lastPathComponent == "ckpt-000008.h5")
        let ckpt = try Checkpoint.read(from: latest)
        #expect(ckpt.variables.allSatisfy { $0.value.floats.allSatisfy(\.isFinite) })
    }
}
