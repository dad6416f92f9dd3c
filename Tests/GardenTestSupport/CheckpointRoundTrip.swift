import Foundation
import GardenNN
import GardenTensor
import GardenTrain
import Testing

/// Problems with the parameter names of a module tree against the literal list a test expects.
///
/// Parameter paths are API: checkpoint keys, HDF5 dataset paths and SavedModel variable names
/// all come from them, so a test spells them out rather than deriving them. Each parameter's
/// own `path` must also be the one its place in the tree gives (what the tracer and the
/// exporter read).
///
/// - Parameters:
///   - parameters: the tree's parameters with their paths (`Module.namedParameters()`).
///   - expected: the paths, in tree order, written literally by the test.
/// - Returns: one line per problem; empty when the names are the expected ones.
public func parameterNameProblems(
    _ parameters: [(path: String, parameter: Parameter)], expected: [String]
) -> [String] {
    var problems: [String] = []
    let paths = parameters.map(\.path)
    if paths != expected {
        let firstDifference = zip(paths, expected).enumerated().first { $1.0 != $1.1 }?.offset
        let at = firstDifference ?? min(paths.count, expected.count)
        let got = at < paths.count ? "'\(paths[at])'" : "nothing"
        let want = at < expected.count ? "'\(expected[at])'" : "nothing"
        problems.append(
            "parameter \(at): got \(got), expected \(want) (\(paths.count) parameters, "
                + "\(expected.count) expected); all: \(paths)")
    }
    for (path, parameter) in parameters where parameter.path != path {
        problems.append("parameter at '\(path)' calls itself '\(parameter.path)'")
    }
    return problems
}

/// Problems found saving `parameters` through the real checkpoint writer (`Checkpoint.write`,
/// libhdf5) and reading them back (`Checkpoint.read`, then `restore(into:)` over zeroed values).
///
/// A round trip must be bit-identical: the same paths, shapes, dtypes and bit patterns (a NaN
/// payload or a negative zero included), and a complete restore.
///
/// - Parameter parameters: the parameters with their paths (`Module.namedParameters()`).
/// - Returns: one line per problem; empty when everything came back as it was.
/// - Throws: the writer's or reader's error (which the caller records as a failure).
public func checkpointRoundTripProblems(
    _ parameters: [(path: String, parameter: Parameter)]
) throws -> [String] {
    let saved = parameters.map { (path: $0.path, value: $0.parameter.value) }
    let directory = try TemporaryDirectory(prefix: "garden-checkpoint-round-trip")
    let url = directory.url.appendingPathComponent(Checkpoint.fileName(step: 1))
    try Checkpoint(step: 1, seed: 0, recipe: "", variables: saved, optimizerSlots: []).write(
        to: url)
    let back = try Checkpoint.read(from: url)

    var problems: [String] = []
    let read = Dictionary(
        back.variables.map { ($0.path, $0.value) }, uniquingKeysWith: { a, _ in a })
    if Set(read.keys) != Set(saved.map(\.path)) || read.count != back.variables.count {
        problems.append(
            "checkpoint holds \(back.variables.map(\.path).sorted()), "
                + "expected \(saved.map(\.path).sorted())")
    }
    for (path, value) in saved {
        if let other = read[path], let difference = bitDifference(other, value) {
            problems.append("checkpoint '\(path)': \(difference)")
        }
    }

    // Restoring into the same tree over zeroed values must bring back every value.
    for (_, parameter) in parameters {
        let v = parameter.value
        parameter.value =
            v.dtype == .int32
            ? Tensor(int32: [Int32](repeating: 0, count: v.count), shape: v.shape)
            : Tensor.zeros(v.shape)
    }
    let report = back.restore(into: parameters)
    if !report.isComplete || report.matched.count != parameters.count {
        problems.append(report.description)
    }
    for ((path, value), (_, parameter)) in zip(saved, parameters) {
        if let difference = bitDifference(parameter.value, value) {
            problems.append("restored '\(path)': \(difference)")
        }
        parameter.value = value
    }
    return problems
}

/// How `actual` differs from `expected` bit for bit, or nil when it does not.
func bitDifference(_ actual: Tensor, _ expected: Tensor) -> String? {
    guard actual.dtype == expected.dtype, actual.shape == expected.shape else {
        return "\(actual.dtype) \(actual.shape), expected \(expected.dtype) \(expected.shape)"
    }
    let bits: (Tensor) -> [UInt32] = { t in
        t.dtype == .float32 ? t.floats.map(\.bitPattern) : t.int32s.map { UInt32(bitPattern: $0) }
    }
    let (a, e) = (bits(actual), bits(expected))
    guard let i = zip(a, e).enumerated().first(where: { $1.0 != $1.1 })?.offset else {
        return nil
    }
    return "element \(multiIndex(i, expected.shape)) has bits 0x\(String(a[i], radix: 16)), "
        + "expected 0x\(String(e[i], radix: 16))"
}
