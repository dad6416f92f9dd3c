import CHDF5Verifier
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads a file's HDF5 metadata in a child process before this process lets libhdf5 open it.
///
/// libhdf5 1.10 trusts numbers in a file's metadata that it should check: a variable-length
/// string whose global heap object claims more bytes than the heap holds makes `H5HG_read` copy
/// past the heap (SIGSEGV; Fuzz/regressions/checkpoint/vlen-string-heap-length.h5), and the
/// decoding happens inside `H5Aread`, so no check of ours before the call can stop it. A crash
/// inside libhdf5 cannot be caught either. So `HDF5File.open` first runs this same executable
/// again (`/proc/self/exe`, by `posix_spawn`) with the path in `SWIFTGARDEN_INTERNAL_HDF5_VERIFY`;
/// the constructor in CHDF5Verifier turns that process into the verifier before its `main`
/// runs. The verifier makes libhdf5 decode everything a reader can reach
/// (`HDF5File.readEverything`) and prints `vouch`. Only then does the parent open the file; a
/// verifier that crashes, fails or does not finish in time makes `open` throw
/// `HDF5Error.unreadable` instead. A verifier that runs out of CPU time (`cpuSeconds`, set by
/// itself with setrlimit) or wall time (`wallSeconds`, then killed) does the same: libhdf5 also
/// loops forever on some damaged files.
enum HDF5Verifier {
    /// What a verifier prints once it has read the whole file without crashing.
    static let vouch = "swiftgarden-hdf5-verified\n"

    /// True in a verifier process: the files it opens are the ones it checks.
    nonisolated(unsafe) static var isVerifierProcess = false

    /// The CPU seconds a verifier may use: 2, plus 1 per 16 MiB of file (a chunked, compressed
    /// dataset is decompressed in full). Reading our checkpoints' metadata takes milliseconds;
    /// libhdf5 looping on a damaged global heap (Fuzz/regressions/checkpoint/global-heap-loop.h5)
    /// is stopped by the kernel (SIGXCPU). CPU time, unlike wall time, does not grow when the
    /// machine is busy, so a sound file is not refused on a loaded machine.
    static func cpuSeconds(fileSize: Int) -> Int { 2 + max(fileSize, 0) / (16 << 20) }

    /// How long the parent waits in wall time: a backstop for a verifier that is stuck without
    /// using CPU (a file on a stalled device), generous so that a busy machine does not trip it.
    static func wallSeconds(fileSize: Int) -> Double {
        60 + 4 * Double(cpuSeconds(fileSize: fileSize))
    }

    /// Runs a verifier on `path` and returns once it vouched for the file.
    /// - Throws: `HDF5Error.unreadable` naming the file and what the verifier did.
    static func verify(_ path: String) throws {
        guard !isVerifierProcess else { return }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let limit = wallSeconds(fileSize: size ?? 0)
        var child = try VerifierProcess(file: path)
        let outcome = child.finish(within: limit)
        switch outcome {
        case .vouched:
            return
        case .signaled(let signal) where signal == SIGXCPU || signal == SIGKILL:
            throw HDF5Error.unreadable(
                file: path,
                reason:
                    "reading its metadata used more than \(cpuSeconds(fileSize: size ?? 0)) s of CPU time; the file is damaged"
            )
        case .signaled(let signal):
            let name = strsignal(signal).map { String(cString: $0) } ?? "unknown"
            throw HDF5Error.unreadable(
                file: path,
                reason:
                    "libhdf5 crashed reading its metadata (signal \(signal), \(name)); the file is damaged"
            )
        case .exited(let status):
            throw HDF5Error.unreadable(
                file: path,
                reason: "the process checking its metadata failed (exit status \(status))")
        case .timedOut:
            throw HDF5Error.unreadable(
                file: path,
                reason:
                    "reading its metadata did not finish within \(Int(limit)) s; the file is damaged"
            )
        }
    }
}

/// The verifier's entry point, called by the constructor in CHDF5Verifier before `main`.
/// - Parameter path: The file to read.
/// - Returns: The exit status: 0 after printing `HDF5Verifier.vouch`.
@_cdecl("garden_hdf5_verifier_main")
func hdf5VerifierMain(_ path: UnsafePointer<CChar>) -> Int32 {
    HDF5Verifier.isVerifierProcess = true
    let file = String(cString: path)
    let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
    garden_hdf5_verifier_limit_cpu(UInt32(HDF5Verifier.cpuSeconds(fileSize: size ?? 0)))
    // Errors are the parent's to report, when it reads the file itself; here only a crash or a
    // hang counts, so the walk goes on past every error.
    if let opened = try? HDF5File.open(at: URL(fileURLWithPath: file)) {
        opened.readEverything()
        try? opened.close()
    }
    let vouch = Array(HDF5Verifier.vouch.utf8)
    return write(STDOUT_FILENO, vouch, vouch.count) == vouch.count ? 0 : 1
}

/// A running verifier: this executable, started with the file in its environment, its standard
/// output a pipe to us and its other standard streams `/dev/null`.
private struct VerifierProcess {
    enum Outcome: Equatable {
        case vouched
        case signaled(Int32)
        case exited(Int32)
        case timedOut
    }

    let pid: pid_t
    /// The read end of the child's standard output.
    let output: Int32
    let file: String

    init(file: String) throws {
        self.file = file
        var ends: [Int32] = [-1, -1]
        guard garden_hdf5_verifier_pipe(&ends) == 0 else {
            throw Self.cannotStart(file, errno)
        }
        defer { close(ends[1]) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, ends[1], 1)
        // libhdf5 and sanitizers write to stderr when they fail; the parent's one-line error
        // says what happened.
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // Nothing else crosses into the child: an inherited descriptor of an HDF5 file another
        // thread has open would carry that file's lock into the child, and the parent's next
        // H5Fopen of it would fail while the child runs (seen in parallel tests).
        garden_hdf5_verifier_close_others(&actions)
        let variable = String(cString: garden_hdf5_verifier_variable())
        var environment = ProcessInfo.processInfo.environment
        environment[variable] = file
        // A crash is expected here; the Swift runtime's backtracer would only add seconds.
        environment["SWIFT_BACKTRACE"] = "enable=no"
        let arguments = ["swiftgarden-hdf5-verifier"]
        let pairs = environment.map { "\($0.key)=\($0.value)" }
        var argv = arguments.map { strdup($0) } + [nil]
        var envp = pairs.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, Self.executable, &actions, nil, &argv, &envp)
        guard status == 0 else {
            close(ends[0])
            throw Self.cannotStart(file, status)
        }
        self.pid = pid
        self.output = ends[0]
    }

    /// The running executable, even if its file was replaced since it started.
    static var executable: String {
        #if os(Linux)
            return "/proc/self/exe"
        #else
            return Bundle.main.executablePath ?? CommandLine.arguments[0]
        #endif
    }

    static func cannotStart(_ file: String, _ code: Int32) -> HDF5Error {
        HDF5Error.unreadable(
            file: file,
            reason:
                "could not start the process that checks its metadata: \(String(cString: strerror(code)))"
        )
    }

    /// Collects the child's output and exit status, killing it once `seconds` have passed.
    mutating func finish(within seconds: Double) -> Outcome {
        defer { close(output) }
        let deadline = Self.now() + seconds
        var printed: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        while true {
            let remaining = deadline - Self.now()
            guard remaining > 0 else { return terminate() }
            var ready = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            let polled = poll(&ready, 1, Int32(min(remaining * 1000 + 1, 60_000)))
            if polled <= 0 {
                if polled < 0, errno != EINTR { return terminate() }
                continue
            }
            let count = read(output, &buffer, buffer.count)
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                break
            }
            if printed.count < 4096 { printed += buffer[0..<count] }
        }
        // The pipe closed: the child is exiting. Wait for it, still within the deadline.
        var status: Int32 = 0
        while true {
            let waited = waitpid(pid, &status, WNOHANG)
            if waited == pid { break }
            if waited < 0, errno != EINTR { return .exited(-1) }
            guard Self.now() < deadline else { return terminate() }
            usleep(1000)
        }
        let signal = status & 0x7f
        if signal != 0 { return .signaled(signal) }
        let code = (status >> 8) & 0xff
        return code == 0 && printed == Array(HDF5Verifier.vouch.utf8) ? .vouched : .exited(code)
    }

    /// Kills and reaps the child.
    private func terminate() -> Outcome {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return .timedOut
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
