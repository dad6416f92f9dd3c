import GardenTensor
import Testing

/// The worst element of a comparison under a combined tolerance
/// `|actual - expected| <= absolute + relative * |expected|`.
///
/// Float32 kernels are compared with Double references, so neither a pure absolute (fails on large
/// values) nor a pure relative tolerance (fails near zero) is reliable on its own.
public struct ClosenessReport: CustomStringConvertible, Sendable {
    /// Problems found, e.g. a shape mismatch or the elements out of tolerance; empty when close.
    public var problems: [String]
    public var isClose: Bool { problems.isEmpty }
    public var description: String { problems.joined(separator: "\n") }
}

/// Compares `actual` with `expected` element by element (and their shapes).
public func closeness(
    _ actual: Tensor, _ expected: [Double], shape: [Int],
    absolute: Double = 1e-5, relative: Double = 1e-5
) -> ClosenessReport {
    guard actual.shape == shape else {
        return ClosenessReport(problems: ["shape \(actual.shape), expected \(shape)"])
    }
    guard expected.count == actual.count else {
        return ClosenessReport(problems: ["\(expected.count) expected values for shape \(shape)"])
    }
    let values = actual.floats
    var problems: [String] = []
    for i in 0..<values.count {
        let a = Double(values[i])
        let e = expected[i]
        let ok = a == e || Swift.abs(a - e) <= absolute + relative * Swift.abs(e)
        if !ok {
            problems.append("element \(multiIndex(i, shape)): got \(a), expected \(e)")
        }
    }
    if problems.count > 8 {
        problems = Array(problems.prefix(8)) + ["… \(problems.count - 8) more elements differ"]
    }
    return ClosenessReport(problems: problems)
}

/// Records a test issue unless `actual` is close to `expected` (see `closeness`).
public func expectClose(
    _ actual: Tensor, _ expected: [Double], shape: [Int],
    absolute: Double = 1e-5, relative: Double = 1e-5,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let report = closeness(actual, expected, shape: shape, absolute: absolute, relative: relative)
    if !report.isClose {
        Issue.record(Comment(rawValue: report.description), sourceLocation: sourceLocation)
    }
}

/// The row-major multi-index of flat position `flat` in `shape`.
public func multiIndex(_ flat: Int, _ shape: [Int]) -> [Int] {
    var rest = flat
    var index = [Int](repeating: 0, count: shape.count)
    for d in stride(from: shape.count - 1, through: 0, by: -1) where shape[d] > 0 {
        index[d] = rest % shape[d]
        rest /= shape[d]
    }
    return index
}
