import Foundation
import TFProto

/// Writes TensorBoard scalar summaries to an event file in `directory`
/// (`<model-dir>/events/train` or `.../eval`), as `tf.summary` does: the first record is an
/// `Event` with `file_version: "brain.Event:2"`, then one `Event` per logged step holding a
/// `Summary` of `simple_value`s.
///
/// Event files are logs of one process, not reproducible artifacts: `wall_time` is the real
/// time and `steps_per_sec` a measurement, so they are left out of the byte-identity that
/// checkpoints, exports and metrics.jsonl keep. Each process writes a new file (a resumed run
/// too); TensorBoard reads the files of a directory in name order, and the names start with
/// the wall-clock second, then the start step and the process id.
public final class SummaryWriter {
    /// The event file this writer appends to.
    public let url: URL
    private let records: TFRecordWriter
    private let clock: () -> Double

    /// Creates a new event file in `directory`.
    /// - Parameters:
    ///   - directory: The run directory TensorBoard shows as one run.
    ///   - startStep: The step the process starts from (part of the file name).
    ///   - clock: Seconds since 1970 for `wall_time` (tests may fix it).
    /// - Throws: The file system's error when the event file cannot be created.
    public init(
        directory: URL, startStep: Int,
        clock: @escaping () -> Double = { Date().timeIntervalSince1970 }
    ) throws {
        self.clock = clock
        let now = clock()
        let name = String(
            format: "events.out.tfevents.%010d.garden.s%06d.p%d",
            Int(now), startStep, Int(getpid()))
        url = directory.appendingPathComponent(name)
        records = try TFRecordWriter(url: url)
        var header = Tensorflow_Event()
        header.wallTime = now
        header.fileVersion = "brain.Event:2"
        try records.write(header.serializedData())
        records.flush()
    }

    /// Writes the events written so far to the file (they reach it within a second anyway).
    public func flush() { records.flush() }

    /// Writes the scalars of one step, tags in name order.
    /// - Parameters:
    ///   - scalars: Tag → value (`loss`, `learning_rate`, metric names, `steps_per_sec`).
    ///   - step: The global step.
    public func write(scalars: [String: Float], step: Int) {
        var summary = Tensorflow_Summary()
        summary.value = scalars.sorted { $0.key < $1.key }.map { tag, value in
            var v = Tensorflow_Summary.Value()
            v.tag = tag
            v.simpleValue = value
            return v
        }
        var event = Tensorflow_Event()
        event.wallTime = clock()
        event.step = Int64(step)
        event.summary = summary
        // Serializing a message we built cannot fail; a log line lost is not worth a crash.
        if let data = try? event.serializedData() { records.write(data) }
    }
}
