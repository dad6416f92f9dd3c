import Foundation
import GardenTrain
import Testing

/// One frozen checkpoint of every format version `Checkpoint.read` claims to read
/// (`Tests/GardenTrainTests/Fixtures/README.md` says how each was made). The expected values
/// were read from the files with h5py, not with the code under test.
@Suite struct CheckpointFixtureTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// `dense_0/bias` of the v1 and v2 fixtures (mlp, hidden [8], two Adam steps, seed 42).
    static let bias: [Float] = [
        -0.019478783011436462, 0.019772615283727646, 0.014050256460905075, -0.019998028874397278,
        -0.01999937742948532, -0.0194951631128788, -0.019506920129060745, -0.018693111836910248,
    ]
    static let names = ["dense_0/bias", "dense_0/kernel", "logits/bias", "logits/kernel"]
    /// `logits/bias` and its Adam slot `optimizer/logits/bias/v`, the same in all three files.
    static let logitsBias: [Float] = [
        -0.008170584216713905, -0.01774803176522255, 0.018717624247074127,
    ]
    static let logitsBiasV: [Float] = [
        3.0577132292819442e-06, 6.172744178911671e-05, 4.3797048419946805e-05,
    ]

    func read(_ version: Int) throws -> Checkpoint {
        try Checkpoint.read(from: Self.fixtures.appendingPathComponent("checkpoint-v\(version).h5"))
    }

    @Test func version1ReadsWithoutHashOrBestEvaluation() throws {
        let c = try read(1)
        #expect(c.fileFormatVersion == 1 && c.step == 2 && c.seed == 42)
        #expect(c.best == nil && c.blas == nil)
        #expect(c.variables.map(\.path) == Self.names)
        #expect(c.variables[0].value.floats == Self.bias)
        #expect(c.optimizerSlots.count == 8)
    }

    @Test func version2ReadsWithItsHashAndBestEvaluation() throws {
        let c = try read(2)
        #expect(c.fileFormatVersion == 2 && c.step == 2 && c.seed == 42)
        #expect(
            c.recipeSHA256 == "a600430b75811a5b7b339724fcf555d9173ded284baa86b7a7c10139c060d794")
        #expect(c.best == BestEvaluation(metric: "loss", step: 2, value: Float(1.2166858911514282)))
        #expect(c.variables[0].value.floats == Self.bias)
        #expect(c.optimizerSlots.map(\.name).last == "logits/kernel/v")
        #expect(
            c.optimizerSlots[5].value.floats == [
                3.0577132292819442e-06, 6.172744178911671e-05, 4.3797048419946805e-05,
            ])
    }

    @Test func version3ReadsWithChecksumsAndTheBLASKernel() throws {
        let c = try read(3)
        #expect(c.fileFormatVersion == 3 && c.step == 2 && c.seed == 42)
        #expect(
            c.blas
                == BLASKernel(
                    core: "Haswell",
                    config:
                        "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64"
                ))
        #expect(c.variables.map(\.path) == Self.names)
        #expect(c.variables[0].value.floats == Self.bias)
        #expect(c.optimizerSlots.count == 8)
    }

    /// Every version the reader claims (`Checkpoint.readableVersions`) has its frozen file, and
    /// the file reads as that version with the run's values: a version added to the reader
    /// without a fixture fails here.
    @Test(arguments: Checkpoint.readableVersions)
    func everyReadableVersionHasAFixtureWithTheRunsValues(_ version: Int64) throws {
        let c = try read(Int(version))
        #expect(c.fileFormatVersion == version)
        #expect(c.step == 2 && c.seed == 42)
        #expect(c.variables.map(\.path) == Self.names)
        #expect(c.variables[0].value.floats == Self.bias)
        #expect(c.variables[2].value.floats == Self.logitsBias)
        #expect(c.optimizerSlots.map(\.name)[5] == "logits/bias/v")
        #expect(c.optimizerSlots[5].value.floats == Self.logitsBiasV)
    }
}
