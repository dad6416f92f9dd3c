import Foundation
import GardenHDF5
import GardenModels
import GardenNN
import GardenTensor
import GardenTrain
import TFProto
import Testing

/// A damaged or doctored checkpoint is refused with one line naming the file and what is wrong,
/// by `Checkpoint.read` (and so by every command) or, for missing optimizer state, on resume.
@Suite struct CheckpointIntegrityTests {
    static let kernel: [Float] = [1.5, -2.25, 3.125, 4, 5, 6]

    func sample(_ kernel: [Float] = kernel, step: Int = 12) -> Checkpoint {
        Checkpoint(
            step: step, seed: 3, recipe: "name: t\n",
            variables: [("dense_0/kernel", Tensor(kernel, shape: [2, 3])), ("v", Tensor(2.5))],
            optimizerSlots: [("v/m", Tensor(0.1))],
            best: BestEvaluation(metric: "loss", step: 10, value: 0.5))
    }

    func written(_ ckpt: Checkpoint, in dir: TemporaryDirectory) throws -> URL {
        let url = dir.url.appendingPathComponent(Checkpoint.fileName(step: ckpt.step))
        try ckpt.write(to: url)
        return url
    }

    @Test func everyDatasetCarriesTheCRC32COfItsBytes() throws {
        let dir = try TemporaryDirectory()
        let url = try written(sample(), in: dir)
        let file = try HDF5File.open(at: url)
        let stored = try file.readInt64Attribute("crc32c", at: "dense_0/kernel")
        #expect(stored == Int64(Self.kernel.withUnsafeBytes { CRC32C.extend(0, $0) }))
        #expect(try file.readInt64Attribute("format_version") == 3)
        #expect(try file.readStringAttribute("blas_core") == BLASKernel.current.core)
        #expect(!BLASKernel.current.core.isEmpty && BLASKernel.current.config.hasPrefix("OpenBLAS"))
    }

    @Test func aFlippedByteInParameterDataIsCaught() throws {
        let dir = try TemporaryDirectory()
        let url = try written(sample(), in: dir)
        var bytes = [UInt8](try Data(contentsOf: url))
        let pattern = Self.kernel.withUnsafeBytes { [UInt8]($0) }
        let at = try #require(firstIndex(of: pattern, in: bytes))
        bytes[at + 9] ^= 0x10  // inside the third float
        try Data(bytes).write(to: url)
        var damaged = Self.kernel
        damaged.withUnsafeMutableBytes { $0[9] ^= 0x10 }
        let computed = damaged.withUnsafeBytes { CRC32C.extend(0, $0) }
        let recorded = Self.kernel.withUnsafeBytes { CRC32C.extend(0, $0) }
        #expect(
            throws: CheckpointError.badDataset(
                file: url.path, path: "dense_0/kernel",
                reason:
                    "CRC-32C of the data is 0x\(String(computed, radix: 16)), the file records 0x\(String(recorded, radix: 16)): the data is damaged"
            )
        ) {
            try Checkpoint.read(from: url)
        }
    }

    @Test func nonFiniteParametersAreRefused() throws {
        let dir = try TemporaryDirectory()
        let url = try written(sample([1, 2, .nan, 4, 5, 6]), in: dir)
        #expect(
            throws: CheckpointError.badDataset(
                file: url.path, path: "dense_0/kernel",
                reason: "element 2 is nan; a checkpoint holds finite values only")
        ) {
            try Checkpoint.read(from: url)
        }
        let inf = try written(sample([1, 2, 3, 4, 5, -.infinity], step: 13), in: dir)
        #expect(
            throws: CheckpointError.badDataset(
                file: inf.path, path: "dense_0/kernel",
                reason: "element 5 is -inf; a checkpoint holds finite values only")
        ) {
            try Checkpoint.read(from: inf)
        }
    }

    @Test func negativeStepAndBestStepBeyondStepAreRefused() throws {
        let dir = try TemporaryDirectory()
        let url = try written(sample(), in: dir)
        let file = try HDF5File.open(at: url, mode: .readWrite)
        try file.writeAttribute("step", Int64(-5))
        try file.close()
        #expect(
            throws: CheckpointError.badAttribute(
                file: url.path, name: "step", reason: "is -5, expected a step count >= 0")
        ) {
            try Checkpoint.read(from: url)
        }
        let other = try written(sample(step: 20), in: dir)
        let again = try HDF5File.open(at: other, mode: .readWrite)
        try again.writeAttribute("best_step", Int64(21))
        try again.close()
        #expect(
            throws: CheckpointError.badAttribute(
                file: other.path, name: "best_step", reason: "is 21, expected 0...20 (step)")
        ) {
            try Checkpoint.read(from: other)
        }
    }

    @Test func version3WithoutAChecksumIsRefusedAndUnknownVersionsNamed() throws {
        let dir = try TemporaryDirectory()
        let url = dir.url.appendingPathComponent("ckpt-000001.h5")
        try HDF5File.atomicallyWrite(to: url) { f in
            for (name, value) in [("format_version", 3), ("step", 1), ("seed", 0)]
                as [(String, Int64)]
            {
                try f.writeAttribute(name, value)
            }
            try f.writeAttribute("recipe", "name: t\n")
            try f.write([1, 2] as [Float], shape: [2], at: "v")
        }
        #expect(
            throws: CheckpointError.badDataset(
                file: url.path, path: "v",
                reason: "has no 'crc32c' attribute (format version 3 checksums every dataset)")
        ) {
            try Checkpoint.read(from: url)
        }
        let file = try HDF5File.open(at: url, mode: .readWrite)
        try file.writeAttribute("format_version", Int64(4))
        try file.close()
        #expect(throws: CheckpointError.unsupportedVersion(file: url.path, found: 4)) {
            try Checkpoint.read(from: url)
        }
        #expect(
            CheckpointError.unsupportedVersion(file: "f.h5", found: 4).errorDescription
                == "f.h5: checkpoint format version 4 is not supported (expected 1...3)")
    }

    @Test func resumingWithoutOptimizerSlotsNamesTheMissingOnes() throws {
        let dir = try TemporaryDirectory()
        _ = try makeTrainer(dir.url, steps: 3).run()
        let url = dir.url.appendingPathComponent("checkpoints/ckpt-000003.h5")
        var ckpt = try Checkpoint.read(from: url)
        #expect(ckpt.optimizerSlots.count == 2 * ckpt.variables.count)  // Adam: m and v of each
        ckpt.optimizerSlots.removeAll { $0.name.hasPrefix("logits/") }
        try ckpt.write(to: url)
        #expect(
            throws: CheckpointError.missingOptimizerSlots(
                file: url.path,
                missing: [
                    "optimizer/logits/kernel/m", "optimizer/logits/kernel/v",
                    "optimizer/logits/bias/m", "optimizer/logits/bias/v",
                ])
        ) {
            try makeTrainer(dir.url, steps: 5).run()
        }
        #expect(
            CheckpointError.missingOptimizerSlots(
                file: "c.h5", missing: ["optimizer/a/m", "optimizer/a/v"]
            )
            .errorDescription
                == "c.h5: optimizer slot 'optimizer/a/m' and 1 more missing; resuming without the optimizer's state would not continue the run (train into a new --model-dir to start over)"
        )
    }

    @Test func metricsStartWithTheKernelAndAResumedRunKeepsThemIdentical() throws {
        let straight = try TemporaryDirectory(), resumed = try TemporaryDirectory()
        _ = try makeTrainer(straight.url, steps: 6).run()
        _ = try makeTrainer(resumed.url, steps: 4).run()
        _ = try makeTrainer(resumed.url, steps: 6).run()
        let a = try String(
            contentsOf: straight.url.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        let b = try String(
            contentsOf: resumed.url.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        #expect(a == b)
        let kernel = BLASKernel.current
        #expect(
            a.split(separator: "\n").first
                == "{\"blas_config\": \"\(kernel.config)\", \"blas_core\": \"\(kernel.core)\", \"step\": 0}"
        )
        #expect(a.split(separator: "\n").count == 7)
    }

    func makeTrainer(_ dir: URL, steps: Int) -> Trainer {
        let mlp = MLP(
            .init(
                inputSize: 4, hiddenSizes: [5], numClasses: 3, dropoutRate: 0,
                kernelRegularizer: Regularizer(kind: .none)), initializer: Initializer(seed: 4))
        let (x, y) = SyntheticData.blobs(count: 64, features: 4, classes: 3, noise: 0.5, seed: 4)
        let data = InMemoryDataset(inputs: x, targets: y, batchSize: 16, seed: 4)
        let opts = TrainerOptions(
            steps: steps, logEvery: 1, checkpointEvery: 3, seed: 4,
            learningRate: { _ in 0.01 }, modelDir: dir, recipeYAML: "name: t\n")
        let t = Trainer(model: mlp, optimizer: Adam(), data: data, options: opts)
        t.log = { _ in }
        return t
    }

    func firstIndex(of pattern: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        return (0...(bytes.count - pattern.count)).first {
            bytes[$0..<($0 + pattern.count)].elementsEqual(pattern)
        }
    }
}
