import Foundation
import Synchronization

/// The deterministic parallel-for of the element-wise and reduction kernels: a fixed pool of
/// `threads - 1` worker threads (the caller is the remaining one) and a fixed partition.
///
/// `ParallelFor.ranges(count, grain:)` splits `0..<count` into `parts` contiguous ranges,
/// part `i` being `i·count/parts ..< (i+1)·count/parts`, with `parts = min(threads, count /
/// grain)` (at least 1): the split depends only on `count`, `grain` and the thread count. The
/// kernels use it so that every output element is computed by exactly one part, by the same
/// operations in the same order as the serial loop; their results are therefore bitwise the same
/// at every thread count (a reduction splits over its outputs, never over the summed axis).
///
/// `threads` is the recipe's `train.threads`, set with OpenBLAS's by `BLAS.setThreads`. A call
/// made while the pool is busy (another thread dispatching, or a nested call from inside a
/// part) runs its parts serially on the calling thread, with the same results. Workers spin
/// briefly after each job (the next kernel usually follows within microseconds), then sleep.
public enum ParallelFor {
    nonisolated(unsafe) private static var pool: WorkerPool?
    /// Every pool made, by worker count, so changing the count back and forth (tests) reuses them.
    /// Pools are never released, so a kernel reading `pool` while another thread sets the count
    /// (a test at 1, 2 and 3 threads beside others) holds a live pool either way, whose results
    /// are the same.
    nonisolated(unsafe) private static var pools: [Int: WorkerPool] = [:]
    private static let setUp = NSLock()

    /// The parts an element-wise kernel splits into: the caller plus the pool's workers.
    public static var threads: Int { pool.map { $0.workers + 1 } ?? 1 }

    /// Sets the thread count (the caller included); 1 runs everything on the caller.
    public static func setThreads(_ n: Int) {
        setUp.lock()
        defer { setUp.unlock() }
        let workers = max(1, n) - 1
        if workers == 0 {
            pool = nil
        } else if let existing = pools[workers] {
            pool = existing
        } else {
            let made = WorkerPool(workers: workers)
            pools[workers] = made
            pool = made
        }
    }

    /// Below this many elements per part a kernel stays serial: waking a worker costs a few
    /// microseconds, about the time of 16 Ki float additions.
    public static let defaultGrain = 16_384

    /// Part `part` of `parts` over `0..<count`.
    @inlinable
    public static func range(part: Int, of parts: Int, count: Int) -> Range<Int> {
        (part * count / parts)..<((part + 1) * count / parts)
    }

    /// How many parts `count` items split into at this grain.
    @inlinable
    public static func parts(_ count: Int, grain: Int) -> Int {
        max(1, min(threads, count / max(grain, 1)))
    }

    /// Calls `body` once per part of `0..<count` (see the type's comment), the parts in parallel.
    /// `grain` is the least number of items worth a part of its own.
    public static func forEach(
        _ count: Int, grain: Int = defaultGrain, _ body: (Range<Int>) -> Void
    ) {
        let parts = parts(count, grain: grain)
        guard parts > 1, let pool else {
            if count > 0 { body(0..<count) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let ran = pool.run(parts: parts) { part in
                body(range(part: part, of: parts, count: count))
            }
            if !ran {
                for part in 0..<parts { body(range(part: part, of: parts, count: count)) }
            }
        }
    }
}

/// The pool's threads and the one job they share. Parts are claimed, not assigned: the caller
/// and each woken worker take the next unclaimed part until none is left, so a worker the
/// scheduler has not run yet (a loaded machine) delays nothing — the caller runs its part too.
/// Which thread runs a part changes no result. `claims` packs the job's generation (high bits)
/// with the count of parts claimed (low bits), so a late worker cannot claim a part of a job
/// that is over; the caller returns once `done` counts every part, and only then is the next
/// job published. `generation` and `parts` are written under `mutex` (workers sleep on `wake`).
final class WorkerPool: @unchecked Sendable {
    let workers: Int
    /// Held by the dispatching thread for the length of one job.
    private let dispatch = Mutex<Bool>(false)
    private let generation = Atomic<Int>(0)
    private let claims = Atomic<Int>(0)
    private let done = Atomic<Int>(0)
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let wake: UnsafeMutablePointer<pthread_cond_t>
    /// The current job (read by a worker only after it claimed a part, so while the caller waits).
    nonisolated(unsafe) private var job: ((Int) -> Void)?
    nonisolated(unsafe) private var parts = 0
    private static let claimBits = 20
    /// How long a worker spins for the next job before it sleeps.
    private static let spinNanoseconds: UInt64 = 50_000

    init(workers: Int) {
        self.workers = workers
        mutex = .allocate(capacity: 1)
        wake = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wake, nil)
        for index in 1...workers {
            let thread = Thread { [unowned self] in self.work() }
            thread.name = "garden-parallel-\(index)"
            thread.start()
        }
    }

    /// Runs `job(0..<parts)` on the caller and the workers; false (nothing run) when the pool is
    /// busy.
    func run(parts: Int, _ job: @escaping (Int) -> Void) -> Bool {
        let acquired = dispatch.withLock { busy in
            if busy { return false }
            busy = true
            return true
        }
        guard acquired else { return false }
        defer { dispatch.withLock { $0 = false } }
        pthread_mutex_lock(mutex)
        self.job = job
        self.parts = parts
        done.store(0, ordering: .relaxed)
        let g = generation.load(ordering: .relaxed) + 1
        claims.store(g << WorkerPool.claimBits, ordering: .releasing)
        generation.store(g, ordering: .releasing)
        pthread_cond_broadcast(wake)
        pthread_mutex_unlock(mutex)
        claimAndRun(generation: g, parts: parts)
        while done.load(ordering: .acquiring) < parts { sched_yield() }
        pthread_mutex_lock(mutex)
        self.job = nil
        self.parts = 0
        pthread_mutex_unlock(mutex)
        return true
    }

    /// Claims and runs parts of job `g` until none is left (or the job is over).
    private func claimAndRun(generation g: Int, parts: Int) {
        var state = claims.load(ordering: .acquiring)
        while state >> WorkerPool.claimBits == g {
            let part = state & ((1 << WorkerPool.claimBits) - 1)
            if part >= parts { return }
            let (exchanged, original) = claims.compareExchange(
                expected: state, desired: state + 1, ordering: .acquiringAndReleasing)
            if exchanged {
                runPart(part)
                done.add(1, ordering: .releasing)
                state = claims.load(ordering: .acquiring)
            } else {
                state = original
            }
        }
    }

    /// A worker: waits for each new generation (spinning, then sleeping), then claims parts.
    private func work() {
        FloatingPoint.flushSubnormals()
        var seen = 0
        while true {
            let deadline = DispatchTime.now().uptimeNanoseconds + WorkerPool.spinNanoseconds
            while generation.load(ordering: .relaxed) == seen
                && DispatchTime.now().uptimeNanoseconds < deadline
            {
                sched_yield()
            }
            pthread_mutex_lock(mutex)
            while generation.load(ordering: .relaxed) == seen { pthread_cond_wait(wake, mutex) }
            seen = generation.load(ordering: .relaxed)
            let parts = self.parts
            pthread_mutex_unlock(mutex)
            claimAndRun(generation: seen, parts: parts)
        }
    }

    /// Runs one claimed part. The caller does not change `job` until every part is done, so it
    /// is read without the lock; the reference taken for the call is released when this
    /// returns, before the part is counted (the caller's closure must not outlive its job).
    @inline(never)
    private func runPart(_ index: Int) { job?(index) }
}
