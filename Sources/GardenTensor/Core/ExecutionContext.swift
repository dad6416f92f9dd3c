import Foundation

/// Which mode the forward code runs in on this thread: the active tape (taped mode) and the
/// active tracer (traced mode); neither means eager.
///
/// Kept per thread so a test or a benchmark can trace on one thread while another trains.
struct ExecutionContext {
    var tape: Tape?
    var tracer: Tracer?

    private final class Box { var value = ExecutionContext(tape: nil, tracer: nil) }

    /// The thread-specific slot holding each thread's `Box` (retained; released when the thread
    /// exits). Every primitive reads the context, so this is a hot path: `pthread_getspecific`
    /// takes nanoseconds, where a `Thread.current.threadDictionary` lookup (an NSString-keyed
    /// dictionary) took about 1.5 µs per op (garden-bench gemm, docs/performance.md).
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { box in
            if let box { Unmanaged<AnyObject>.fromOpaque(box).release() }
        }
        precondition(status == 0, "ExecutionContext: pthread_key_create failed (\(status))")
        return key
    }()

    private static var box: Box {
        if let raw = pthread_getspecific(key) {
            return Unmanaged<Box>.fromOpaque(raw).takeUnretainedValue()
        }
        let b = Box()
        pthread_setspecific(key, Unmanaged.passRetained(b).toOpaque())
        return b
    }

    static var current: ExecutionContext {
        get { box.value }
        set { box.value = newValue }
    }
}
