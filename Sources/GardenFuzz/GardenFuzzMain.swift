import Foundation
import GardenFuzzTargets

// garden-fuzz: the fuzzing harness (docs/reliability.md).
//
//     garden-fuzz seeds TARGET DIR         write TARGET's seed corpus into DIR
//     garden-fuzz replay TARGET FILE...    run files through TARGET once each
//     GARDEN_FUZZ_TARGET=TARGET garden-fuzz [libFuzzer options] CORPUS...   (libFuzzer build)
//
// scripts/fuzz builds it with `--sanitize=fuzzer --sanitize=address -Xswiftc -DGARDEN_LIBFUZZER`:
// libFuzzer then supplies `main` and calls `LLVMFuzzerInitialize` (which runs the `seeds` and
// `replay` commands) and `LLVMFuzzerTestOneInput`. The ordinary build has its own `main`.

#if GARDEN_LIBFUZZER
    /// libFuzzer's start-up hook: runs `seeds`/`replay` and exits, or returns to fuzz.
    @_cdecl("LLVMFuzzerInitialize")
    func fuzzInitialize(
        _ argc: UnsafeMutablePointer<Int32>?,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
    ) -> Int32 {
        runCommand(CommandLine.arguments)
        return 0
    }
#else
    @main
    enum GardenFuzzMain {
        static func main() {
            runCommand(CommandLine.arguments)
            fail("this build has no libFuzzer (scripts/fuzz builds one); use seeds or replay")
        }
    }
#endif

/// Runs `seeds` or `replay` and exits; returns for anything else.
func runCommand(_ arguments: [String]) {
    switch arguments.dropFirst().first {
    case "seeds":
        guard arguments.count == 4 else { fail("usage: garden-fuzz seeds TARGET DIR") }
        let repository = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        do {
            try makeWorkspace().writeSeeds(
                of: target(named: arguments[2]), to: URL(fileURLWithPath: arguments[3]),
                repository: repository)
        } catch {
            fail("cannot write seeds: \(error)")
        }
        exit(0)
    case "replay":
        guard arguments.count >= 3 else { fail("usage: garden-fuzz replay TARGET FILE...") }
        let chosen = target(named: arguments[2])
        let space = makeWorkspace()
        for path in arguments.dropFirst(3) {
            guard let data = FileManager.default.contents(atPath: path) else {
                fail("cannot read \(path)")
            }
            chosen.run(data, in: space)
            print("ok \(path)")
        }
        try? FileManager.default.removeItem(at: space.root)
        exit(0)
    default:
        return
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("garden-fuzz: \(message)\n".utf8))
    exit(2)
}

func target(named name: String) -> FuzzTarget {
    guard let target = FuzzTarget(rawValue: name) else {
        fail(
            "unknown target '\(name)'; targets: "
                + FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))
    }
    return target
}

func makeWorkspace() -> FuzzWorkspace {
    do { return try FuzzWorkspace() } catch { fail("cannot make the workspace: \(error)") }
}

/// The target named by `GARDEN_FUZZ_TARGET` and its workspace, made on the first input.
nonisolated(unsafe) var session: (target: FuzzTarget, workspace: FuzzWorkspace)?

/// libFuzzer's per-input entry point.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    if session == nil {
        let name = ProcessInfo.processInfo.environment["GARDEN_FUZZ_TARGET"] ?? ""
        session = (target(named: name), makeWorkspace())
    }
    guard let (chosen, space) = session else { return 0 }
    let data = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    chosen.run(data, in: space)
    return 0
}
