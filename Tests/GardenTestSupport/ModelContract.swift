import GardenModels
import GardenNN
import GardenTensor
import Testing

/// The test contract of a model, the same for every family (see `checkLayer` for the parts).
///
/// 1. Parameter names: `model.parameters` lists exactly `parameterPaths` (literal, in tree
///    order), and each parameter's `path` is its place in the tree.
/// 2. Forward pass: `model.call(inputs)` returns outputs of `outputShapes`, all finite.
/// 3. Gradients: the tape's gradients of `objective` (a finite scalar of the model's outputs,
///    as the family's task trains it; tasks own losses, models do not)
///    with respect to every trainable parameter match central finite differences, and the tape
///    reaches every trainable parameter (a parameter the loss never reads would train to
///    nothing and still be exported).
/// 4. Checkpoint round trip: the parameters go through `Checkpoint.write`, `Checkpoint.read`
///    and `restore(into:)` bit-identically.
///
/// - Parameters:
///   - model: the model under test (small: the gradient check perturbs every element).
///   - inputs: the inputs the forward pass runs on, in signature order.
///   - outputShapes: the shapes `call` returns, literal and in signature order.
///   - parameterPaths: the model's parameter paths, literal and in tree order.
///   - context: a fresh context for each pass (the same settings each time, so a dropout mask
///     is the same in every evaluation of the finite differences).
///   - options: the gradient check's step and tolerance (the defaults unless the test says why).
///   - sourceLocation: where failures are reported.
///   - objective: the scalar whose gradients are checked, computed in the given context.
public func checkModel(
    _ model: Model, inputs: [Tensor], outputShapes: [[Int]], parameterPaths: [String],
    context: () -> ForwardContext = { ForwardContext(training: false) },
    gradient options: GradientCheckOptions = GradientCheckOptions(),
    sourceLocation: SourceLocation = #_sourceLocation,
    objective: (ForwardContext) -> Tensor
) {
    let parameters = model.parameters
    var problems = parameterNameProblems(parameters, expected: parameterPaths).map {
        "names: " + $0
    }
    problems += forwardProblems(
        model.call(leaves: inputs, context()).leaves, expectedShapes: outputShapes)

    let loss = objective(context())
    if loss.shape != [] || !loss.scalar.isFinite {
        problems.append("loss: \(loss.shape) value \(loss.floats), expected a finite scalar")
    }
    let report = gradientCheck(with: parameters.map(\.parameter), options: options) {
        objective(context())
    }
    if !report.passed { problems.append("gradients: \(report)") }
    if !report.unreachedPaths.isEmpty {
        problems.append("gradients: the loss does not reach \(report.unreachedPaths)")
    }
    problems += roundTripProblems(parameters)
    record(problems, sourceLocation)
}
