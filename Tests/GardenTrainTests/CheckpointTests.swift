import Foundation
import GardenTensor
import GardenTrain
import Testing

@Suite struct CheckpointTests {
    func sample(step: Int) -> Checkpoint {
        Checkpoint(
            step: step, seed: 3, recipe: "name: t\n",
            variables: [
                ("dense_0/kernel", Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])),
                ("v", Tensor(2.5)),
            ],
            optimizerSlots: [("v/m", Tensor(0.1))])
    }

    @Test func roundTripKeepsEverything() throws {
        let dir = try TemporaryDirectory()
        let url = dir.url.appendingPathComponent(Checkpoint.fileName(step: 12))
        #expect(url.lastPathComponent == "ckpt-000012.h5")
        try sample(step: 12).write(to: url)
        let back = try Checkpoint.read(from: url)
        #expect(back.step == 12 && back.seed == 3 && back.recipe == "name: t\n")
        #expect(back.variables.map(\.path) == ["dense_0/kernel", "v"])
        #expect(back.variables[0].value.floats == [1, 2, 3, 4, 5, 6])
        #expect(back.variables[0].value.shape == [2, 3])
        #expect(back.optimizerSlots.map(\.name) == ["v/m"])
    }

    @Test func latestPicksTheHighestStepAndIgnoresTemporaryFiles() throws {
        let dir = try TemporaryDirectory()
        for s in [5, 100, 20] {
            try sample(step: s).write(
                to: dir.url.appendingPathComponent(Checkpoint.fileName(step: s)))
        }
        try Data("partial".utf8).write(to: dir.url.appendingPathComponent(".ckpt-000200.h5.tmp-1"))
        #expect(try Checkpoint.latest(in: dir.url)?.lastPathComponent == "ckpt-000100.h5")
        #expect(try Checkpoint.resolve(dir.url).lastPathComponent == "ckpt-000100.h5")
    }

    @Test func restoreReportsMissingUnexpectedAndMismatchedVariables() {
        let k = Parameter(Tensor.zeros([2, 3]))
        let b = Parameter(Tensor.zeros([4]))
        let v = Parameter(Tensor.zeros([1]))
        let report = sample(step: 1).restore(into: [
            ("dense_0/kernel", k), ("dense_0/bias", b), ("v", v),
        ])
        #expect(report.matched == ["dense_0/kernel"])
        #expect(report.missing == ["dense_0/bias"])
        #expect(report.shapeMismatched.map(\.path) == ["v"])
        #expect(!report.isComplete)
        #expect(k.value.floats == [1, 2, 3, 4, 5, 6])
    }

    @Test func foreignAndTruncatedFilesAreClearErrors() throws {
        let dir = try TemporaryDirectory()
        let good = dir.url.appendingPathComponent("ckpt-000001.h5")
        try sample(step: 1).write(to: good)
        let truncated = dir.url.appendingPathComponent("truncated.h5")
        try Data(try Data(contentsOf: good).prefix(100)).write(to: truncated)
        #expect(throws: (any Error).self) { try Checkpoint.read(from: truncated) }
        let text = dir.url.appendingPathComponent("notes.h5")
        try Data("hello".utf8).write(to: text)
        #expect(throws: (any Error).self) { try Checkpoint.read(from: text) }
        #expect(throws: CheckpointError.notFound(path: "/nonexistent/ckpt.h5")) {
            try Checkpoint.resolve(URL(fileURLWithPath: "/nonexistent/ckpt.h5"))
        }
    }
}
