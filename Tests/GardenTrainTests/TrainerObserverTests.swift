import Foundation
import GardenNN
import GardenTensor
import GardenTestSupport
import GardenTrain
import Testing

/// Records what a run tells its observers, in order.
final class RecordingObserver: TrainingObserver {
    var events: [String] = []

    func logged(_ means: LoggedMeans) { events.append("logged \(means.step)") }
    func evaluated(_ evaluation: EvaluationResult) {
        events.append("evaluated \(evaluation.step)" + (evaluation.isNewBest ? " best" : ""))
    }
    func checkpointed(step: Int, at url: URL) {
        events.append("checkpointed \(step) \(url.lastPathComponent)")
    }
    func finished() { events.append("finished") }
}

@Suite struct TrainerObserverTests {
    @Test func observersHearLogsEvaluationsAndCheckpointsInStepOrder() throws {
        let dir = try TemporaryDirectory()
        let trainer = BlobsTask().trainer(
            dir: dir.url, steps: 6, logEvery: 2, checkpointEvery: 3, heldOut: 40
        ) {
            $0.evalEvery = 4; $0.bestMetric = "loss"
        }
        let recorder = RecordingObserver()
        trainer.observers = [recorder]
        _ = try trainer.run()
        // Evaluations at 4 and the last step; the first is always a new best, so it is also
        // checkpointed. Whether 6 improves on 4 is the run's to decide: read it from the result.
        let last = try #require(recorder.events.first { $0.hasPrefix("evaluated 6") })
        #expect(
            recorder.events == [
                "logged 2", "checkpointed 3 ckpt-000003.h5", "logged 4", "evaluated 4 best",
                "checkpointed 4 ckpt-000004.h5", "logged 6", last,
                "checkpointed 6 ckpt-000006.h5", "finished",
            ])
    }

    @Test func aRunThatIsAlreadyDoneTellsNoObserver() throws {
        let dir = try TemporaryDirectory()
        _ = try BlobsTask().trainer(dir: dir.url, steps: 3, checkpointEvery: 3).run()
        let again = BlobsTask().trainer(dir: dir.url, steps: 3)
        let recorder = RecordingObserver()
        again.observers = [recorder]
        let summary = try again.run()
        #expect(summary.startStep == 3 && summary.endStep == 3)
        #expect(recorder.events.isEmpty)
    }

    /// The logged mean is the mean of the step losses since the last log line: a window of two
    /// steps, checked against the losses the steps themselves report.
    @Test func loggedMeansAverageTheStepsOfTheirWindow() throws {
        let task = BlobsTask()
        let data = task.buildInputs()
        // Two identical models: one driven step by step, one by the trainer.
        let stepper = TrainStep(
            task: task, model: task.buildModel(), optimizer: Adam(), learningRate: { _ in 0.01 },
            clipNorm: 0, seed: Int(task.seed))
        let records = try (1...2).map { try stepper($0, data.batch(at: $0 - 1)) }
        let dir = try TemporaryDirectory()
        let trainer = task.trainer(dir: dir.url, steps: 2, logEvery: 2)
        final class Means: TrainingObserver {
            var logged: [LoggedMeans] = []
            func logged(_ means: LoggedMeans) { logged.append(means) }
        }
        let means = Means()
        trainer.observers = [means]
        _ = try trainer.run()
        let logged = try #require(means.logged.first)
        #expect(means.logged.count == 1 && logged.step == 2)
        #expect(logged.loss == Float((Double(records[0].loss) + Double(records[1].loss)) / 2))
        let xent = records.map { Double($0.metrics["cross_entropy"] ?? .nan) }
        #expect(logged.metrics["cross_entropy"] == Float((xent[0] + xent[1]) / 2))
        #expect(logged.learningRate == 0.01)
    }

    @Test func aStepWithANonFiniteLossLeavesTheParametersAlone() throws {
        let task = BlobsTask()
        let model = task.buildModel()
        let before = model.root.namedParameters().map(\.parameter.value.floats)
        let step = TrainStep(
            task: task, model: model, optimizer: Adam(), learningRate: { _ in 0.01 }, clipNorm: 0,
            seed: 4)
        var batch = task.buildInputs().batch(at: 0)
        batch.inputs = Tensor(
            [Float](repeating: .infinity, count: batch.inputs.count), shape: batch.inputs.shape)
        #expect(throws: NonFiniteLossError.self) { try step(1, batch) }
        #expect(model.root.namedParameters().map(\.parameter.value.floats) == before)
    }
}
