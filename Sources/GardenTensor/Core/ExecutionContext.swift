import Foundation

/// Which mode the forward code runs in on this thread: the active tape (taped mode) and the
/// active tracer (traced mode); neither means eager.
///
/// Kept per thread so a test or a benchmark can trace on one thread while another trains.
struct ExecutionContext {
    var tape: Tape?
    var tracer: Tracer?

    private static let key = "SwiftGarden.ExecutionContext"

    private final class Box { var value = ExecutionContext(tape: nil, tracer: nil) }

    private static var box: Box {
        let dict = Thread.current.threadDictionary
        if let b = dict[key] as? Box { return b }
        let b = Box()
        dict[key] = b
        return b
    }

    static var current: ExecutionContext {
        get { box.value }
        set { box.value = newValue }
    }
}
