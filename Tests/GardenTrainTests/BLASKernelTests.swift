import Foundation
import GardenTensor
import GardenTrain
import Testing

/// OpenBLAS runs a kernel forced by OPENBLAS_CORETYPE without checking the CPU, and a kernel the
/// CPU lacks dies of SIGILL on its first product; `BLASKernel.requireRunnable` refuses it first.
@Suite("OpenBLAS kernels this CPU can run")
struct BLASKernelTests {
    /// A Zen 3 EPYC: AVX2 and FMA3, neither AVX-512 nor the Bulldozer family's FMA4 and XOP.
    let zen3: CPUFeatures = [.avx, .avx2, .fma]

    func kernel(_ core: String) -> BLASKernel { BLASKernel(core: core, config: "") }

    @Test func aKernelNeedsWhatItsInstructionsAre() {
        #expect(kernel("SkylakeX").missingFeatures(on: zen3) == [.avx512f, .avx512vl])
        #expect(
            kernel("Cooperlake").missingFeatures(on: zen3) == [.avx512f, .avx512vl, .avx512bf16])
        #expect(kernel("Bulldozer").missingFeatures(on: zen3) == [.fma4, .xop])
        #expect(kernel("Excavator").missingFeatures(on: zen3) == [.fma4, .xop])
        #expect(kernel("Haswell").missingFeatures(on: zen3).isEmpty)
        #expect(kernel("Zen").missingFeatures(on: zen3).isEmpty)
        #expect(kernel("Haswell").missingFeatures(on: [.avx]) == [.avx2, .fma])
        // SSE-era kernels, and names OpenBLAS may add later, are not checked.
        #expect(kernel("Nehalem").missingFeatures(on: []).isEmpty)
        #expect(kernel("SomeFutureCore").missingFeatures(on: []).isEmpty)
    }

    @Test func aForcedKernelIsRefusedNamingTheVariable() throws {
        let error = #expect(throws: UnrunnableBLASKernel.self) {
            try kernel("SkylakeX").requireRunnable(on: zen3, forcedCore: "skylakex")
        }
        #expect(
            error?.errorDescription
                == "OPENBLAS_CORETYPE=skylakex forces OpenBLAS's SkylakeX kernel, which needs instructions this CPU lacks (avx512f, avx512vl); unset OPENBLAS_CORETYPE or set it to Haswell"
        )
    }

    @Test func theSuggestionIsAKernelTheCPURuns() throws {
        let error = #expect(throws: UnrunnableBLASKernel.self) {
            try kernel("Haswell").requireRunnable(on: [.avx], forcedCore: "Haswell")
        }
        #expect(
            error?.errorDescription
                == "OPENBLAS_CORETYPE=Haswell forces OpenBLAS's Haswell kernel, which needs instructions this CPU lacks (avx2, fma); unset OPENBLAS_CORETYPE or set it to Sandybridge"
        )
    }

    /// OpenBLAS checked the CPU when it picked a kernel itself; a virtual machine may hide a
    /// flag that the kernel still runs with, so that pick is never refused.
    @Test func aKernelOpenBLASPickedItselfIsTrusted() throws {
        try kernel("Haswell").requireRunnable(on: [.avx, .avx2], forcedCore: nil)
        try kernel("SkylakeX").requireRunnable(on: [], forcedCore: nil)
    }

    @Test func aKernelTheCPUHasIsAccepted() throws {
        try kernel("SkylakeX").requireRunnable(
            on: zen3.union([.avx512f, .avx512vl]), forcedCore: "SkylakeX")
        try kernel("Nehalem").requireRunnable(on: [], forcedCore: "Nehalem")
    }

    /// The features read from CPUID and XGETBV are those Linux lists for this CPU, which it also
    /// hides when it does not save their registers.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/cpuinfo")))
    func thisCPUsFeaturesAreThoseLinuxLists() throws {
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flagsLine = try #require(cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") })
        let flags = Set(flagsLine.split(separator: ":")[1].split(separator: " ").map(String.init))
        for (feature, name) in CPUFeatures.named {
            #expect(CPUFeatures.current.contains(feature) == flags.contains(name), "\(name)")
        }
    }

    /// This process's own kernel runs here (OPENBLAS_CORETYPE unset or naming one it has).
    @Test func theTestProcesssKernelRuns() throws {
        try BLASKernel.current.requireRunnable()
    }
}
