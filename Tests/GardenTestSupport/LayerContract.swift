import GardenNN
import GardenTensor
import Testing

/// The test contract of a layer: everything a layer must do before a model may use it, checked
/// the same way for every layer.
///
/// 1. Parameter names: `layer.namedParameters()` lists exactly `parameterPaths` (literal, in
///    tree order). The layer is the root of the tree under test, so its paths are assigned
///    (`initializeParameters`, which renames and draws nothing twice) from there first.
/// 2. Forward pass: `forward(input)` has shape `outputShape` and only finite values.
/// 3. Gradients: the tape's gradients of `sum(forward(x) * r)` with respect to the input (when
///    it is Float32) and every trainable parameter match central finite differences
///    (`gradientCheck(with:options:_:)`, Double accumulation).
/// 4. Checkpoint round trip: the parameters go through `Checkpoint.write` and come back through
///    `Checkpoint.read` and `restore(into:)` bit-identically (`checkpointRoundTripProblems`).
///
/// Every failure is recorded at the caller's line, prefixed with the step that failed.
///
/// - Parameters:
///   - layer: the layer; its parameters' paths are reassigned from it.
///   - input: the input the forward pass and the gradient check run at.
///   - outputShape: the output's shape, literal.
///   - parameterPaths: the parameters' paths under `layer`, literal and in tree order.
///   - options: the gradient check's step and tolerance (the defaults unless the test says why).
///   - sourceLocation: where failures are reported.
///   - forward: the layer's forward pass on an input.
public func checkLayer(
    _ layer: Module, input: Tensor, outputShape: [Int], parameterPaths: [String],
    gradient options: GradientCheckOptions = GradientCheckOptions(),
    sourceLocation: SourceLocation = #_sourceLocation, _ forward: (Tensor) -> Tensor
) {
    // Paths relative to the layer; nothing is drawn again (the test initialized the layer).
    layer.initializeParameters(Initializer(seed: 0))
    let parameters = layer.namedParameters()
    var problems = parameterNameProblems(parameters, expected: parameterPaths).map {
        "names: " + $0
    }
    problems += forwardProblems([forward(input)], expectedShapes: [outputShape])

    let x = Parameter(input, path: "input")
    let differentiable = input.dtype == .float32
    let report = gradientCheck(
        with: (differentiable ? [x] : []) + parameters.map(\.parameter), options: options
    ) {
        forward(differentiable ? x.read() : input)
    }
    if !report.passed { problems.append("gradients: \(report)") }
    problems += roundTripProblems(parameters)
    record(problems, sourceLocation)
}

/// The forward-pass part of a contract: output shapes and finite values.
func forwardProblems(_ outputs: [Tensor], expectedShapes: [[Int]]) -> [String] {
    var problems: [String] = []
    if outputs.map(\.shape) != expectedShapes {
        problems.append(
            "forward: output shapes \(outputs.map(\.shape)), expected \(expectedShapes)")
    }
    for (k, y) in outputs.enumerated() where y.dtype == .float32 {
        if let i = y.floats.firstIndex(where: { !$0.isFinite }) {
            problems.append(
                "forward: output \(k) element \(multiIndex(i, y.shape)) is \(y.floats[i])")
        }
    }
    return problems
}

/// The checkpoint part of a contract, with a writer or reader error as a problem.
func roundTripProblems(_ parameters: [(path: String, parameter: Parameter)]) -> [String] {
    do {
        return try checkpointRoundTripProblems(parameters).map { "checkpoint: " + $0 }
    } catch {
        return ["checkpoint: \(error.localizedDescription)"]
    }
}

/// Records one issue per problem at `sourceLocation`.
func record(_ problems: [String], _ sourceLocation: SourceLocation) {
    for problem in problems {
        Issue.record(Comment(rawValue: problem), sourceLocation: sourceLocation)
    }
}
