import Foundation
import GardenHDF5
import GardenTensor
import GardenTestSupport
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

    /// A run keeps one template for its checkpoints; each file must be the bytes libhdf5
    /// builds for it, read back whole, checksums and all.
    @Test func aRunsTemplateWritesTheBytesLibhdf5Builds() throws {
        let dir = try TemporaryDirectory()
        let template = HDF5ImageTemplate()
        for step in [100, 200, 300] {
            var checkpoint = sample(step: step)
            checkpoint.variables[1].value = Tensor(Float(step) / 3)
            checkpoint.best = BestEvaluation(metric: "loss", step: step / 2, value: 1 / Float(step))
            let plain = dir.url.appendingPathComponent("plain-\(step).h5")
            let templated = dir.url.appendingPathComponent(Checkpoint.fileName(step: step))
            try checkpoint.write(to: plain)
            try checkpoint.write(to: templated, reusing: template)
            #expect(try Data(contentsOf: templated) == Data(contentsOf: plain))
            let back = try Checkpoint.read(from: templated)
            #expect(back.step == step && back.best?.step == step / 2)
            #expect(back.variables[1].value.floats == [Float(step) / 3])
        }
        #expect(template.patchedImages == 2)
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

    @Test func truncatedAndTextFilesAreNotHDF5() throws {
        let dir = try TemporaryDirectory()
        let good = dir.url.appendingPathComponent("ckpt-000001.h5")
        try sample(step: 1).write(to: good)
        let truncated = dir.url.appendingPathComponent("truncated.h5")
        try Data(try Data(contentsOf: good).prefix(100)).write(to: truncated)
        #expect(
            errorMessage { try Checkpoint.read(from: truncated) }
                == "\(truncated.path): not an HDF5 file (or truncated)")
        let text = dir.url.appendingPathComponent("notes.h5")
        try Data("hello".utf8).write(to: text)
        #expect(
            errorMessage { try Checkpoint.read(from: text) }
                == "\(text.path): not an HDF5 file (or truncated)")
    }

    @Test func anHDF5FileWithoutFormatVersionIsForeign() throws {
        let dir = try TemporaryDirectory()
        let url = dir.url.appendingPathComponent("weights.h5")
        try HDF5File.atomicallyWrite(to: url) { f in
            try f.write([1, 2] as [Float], shape: [2], at: "dense/kernel")
        }
        #expect(
            errorMessage { try Checkpoint.read(from: url) }
                == "\(url.path): not a SwiftGarden checkpoint (HDF5 file without the "
                + "'format_version' attribute)")
    }

    @Test func aMissingPathAndAnEmptyDirectoryAreNamed() throws {
        #expect(
            errorMessage { try Checkpoint.resolve(URL(fileURLWithPath: "/nonexistent/ckpt.h5")) }
                == "/nonexistent/ckpt.h5: no such checkpoint file or directory")
        let dir = try TemporaryDirectory()
        try Data("partial".utf8).write(to: dir.url.appendingPathComponent(".ckpt-000002.h5.tmp-1"))
        #expect(
            errorMessage { try Checkpoint.resolve(dir.url) }
                == "\(dir.url.path): no checkpoint (ckpt-NNNNNN.h5) in this directory")
    }

    /// The message of every case, whole: tests elsewhere compare the cases (with their file,
    /// path and reason), this pins the line the user reads for each.
    @Test func everyCheckpointErrorMessage() {
        let cases: [(CheckpointError, String)] = [
            (.notFound(path: "d/c.h5"), "d/c.h5: no such checkpoint file or directory"),
            (.emptyDirectory(path: "d"), "d: no checkpoint (ckpt-NNNNNN.h5) in this directory"),
            (
                .foreign(file: "w.h5"),
                "w.h5: not a SwiftGarden checkpoint (HDF5 file without the 'format_version' "
                    + "attribute)"
            ),
            (
                .unsupportedVersion(file: "c.h5", found: 0),
                "c.h5: checkpoint format version 0 is not supported (expected 1...3)"
            ),
            (
                .badDataset(file: "c.h5", path: "v", reason: "element 2 is nan"),
                "c.h5: dataset 'v': element 2 is nan"
            ),
            (
                .badAttribute(file: "c.h5", name: "step", reason: "is -1, expected 0 or more"),
                "c.h5: attribute 'step' is -1, expected 0 or more"
            ),
            (
                .incompatible(file: "c.h5", report: "1 missing"),
                "c.h5: checkpoint does not match the model: 1 missing"
            ),
            (
                .missingOptimizerSlots(file: "c.h5", missing: ["v/m"]),
                "c.h5: optimizer slot 'v/m' missing; resuming without the optimizer's state "
                    + "would not continue the run (train into a new --model-dir to start over)"
            ),
            (
                .missingOptimizerSlots(file: "c.h5", missing: ["v/m", "v/v", "w/m"]),
                "c.h5: optimizer slot 'v/m' and 2 more missing; resuming without the optimizer's "
                    + "state would not continue the run (train into a new --model-dir to start "
                    + "over)"
            ),
        ]
        for (error, message) in cases {
            #expect(error.errorDescription == message)
        }
    }
}
