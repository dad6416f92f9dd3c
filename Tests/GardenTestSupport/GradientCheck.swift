import GardenTensor
import Testing

/// How a gradient check perturbs and compares.
///
/// The kernels are Float32 only, so the finite differences run the same Float kernels, but the
/// projected losses and their differences are accumulated in Double and divided by the step that
/// Float rounding actually took. With inputs of order 1, a step of 1e-2 keeps the rounding noise
/// (about 1e-6 / step) and the truncation error (about step²) both far below the tolerance,
/// while a wrong vjp (a missing factor, a transposed axis) is off by order 1.
public struct GradientCheckOptions: Sendable {
    /// The central-difference step.
    public var step: Float
    /// The absolute part of the tolerance `absolute + relative * max(|analytic|, |numeric|)`.
    public var absolute: Double
    /// The relative part of the tolerance.
    public var relative: Double
    /// The stream of the random projection `r` that turns any output into the scalar
    /// `sum(f(x) * r)`; a random `r` weights every output element differently, so a vjp that
    /// swaps or sums output positions cannot pass by symmetry.
    public var projectionStream: UInt64

    public init(
        step: Float = 1e-2, absolute: Double = 1e-2, relative: Double = 1e-2,
        projectionStream: UInt64 = 0x9_1ADC
    ) {
        self.step = step
        self.absolute = absolute
        self.relative = relative
        self.projectionStream = projectionStream
    }
}

/// One input element whose tape gradient disagrees with its finite difference.
public struct GradientMismatch: Sendable, CustomStringConvertible {
    public var input: Int
    public var index: [Int]
    public var analytic: Double
    public var numeric: Double

    public var description: String {
        "input \(input) element \(index): vjp \(analytic), finite difference \(numeric)"
    }
}

/// The outcome of `gradientCheck`.
public struct GradientCheckReport: Sendable, CustomStringConvertible {
    /// Problems other than element values (a gradient of the wrong shape).
    public var problems: [String] = []
    public var mismatches: [GradientMismatch] = []
    /// How many input elements were compared.
    public var checkedElements = 0
    /// The largest `|analytic - numeric|` seen.
    public var maxAbsoluteError = 0.0

    public var passed: Bool { problems.isEmpty && mismatches.isEmpty }

    public var description: String {
        var lines = problems + mismatches.prefix(8).map(\.description)
        if mismatches.count > 8 { lines.append("… \(mismatches.count - 8) more mismatches") }
        lines.append(
            "checked \(checkedElements) elements, max |vjp - finite difference| "
                + "\(maxAbsoluteError)")
        return lines.joined(separator: "\n")
    }
}

/// Compares the tape's gradients of `f` at `inputs` with central finite differences.
///
/// Every Float32 input becomes a `Parameter` that `f` receives through `read()`, so the check runs
/// `Tape.valueWithGradients` exactly as training does; Int32 inputs (labels) are passed through
/// and not differentiated. The output is projected to the scalar `sum(f(x) * r)` with a fixed
/// random `r` of the output's shape.
///
/// - Parameters:
///   - f: the function under test; it may use an input several times.
///   - inputs: the point to check at (concrete tensors).
///   - options: step, tolerance and projection.
public func gradientCheck(
    of f: ([Tensor]) -> Tensor, at inputs: [Tensor],
    options: GradientCheckOptions = GradientCheckOptions()
) -> GradientCheckReport {
    let differentiable = inputs.map { $0.dtype == .float32 }
    let outputShape = f(inputs).shape
    let r = Philox(seed: TestInputs.seed, stream: options.projectionStream)
        .normal(count: outputShape.reduce(1, *))

    // The vjp of the projection: gradients from the tape, zero for inputs it never reached.
    let parameters = inputs.enumerated().map { Parameter($1, path: "input_\($0)") }
    let (tapeLoss, tapeGradients) = Tape.valueWithGradients {
        let read = zip(parameters, differentiable).map { $1 ? $0.read() : $0.value }
        return (f(read) * Tensor(r, shape: outputShape)).sum()
    }

    // The projected loss of the Float kernels' output, summed in Double.
    func projectedLoss(_ x: [Tensor]) -> Double {
        zip(f(x).floats, r).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    var report = GradientCheckReport()
    // Taped mode must compute what eager mode does, or the gradient is of another function.
    let eagerLoss = projectedLoss(inputs)
    let lossError = Swift.abs(Double(tapeLoss.scalar) - eagerLoss)
    if !(lossError <= options.absolute + options.relative * Swift.abs(eagerLoss)) {
        report.problems.append("taped value \(tapeLoss.scalar), eager value \(eagerLoss)")
    }
    for (k, input) in inputs.enumerated() where differentiable[k] {
        // The tape lists only parameters the output depends on; the others have zero gradient.
        let gradient =
            tapeGradients.first { $0.0 === parameters[k] }?.1 ?? Tensor.zeros(input.shape)
        guard gradient.shape == input.shape else {
            report.problems.append(
                "input \(k): gradient shape \(gradient.shape), expected \(input.shape)")
            continue
        }
        let analytic = gradient.floats
        let x = input.floats
        for i in 0..<x.count {
            var plus = x
            var minus = x
            plus[i] += options.step
            minus[i] -= options.step
            var shifted = inputs
            shifted[k] = Tensor(plus, shape: input.shape)
            let lossPlus = projectedLoss(shifted)
            shifted[k] = Tensor(minus, shape: input.shape)
            let lossMinus = projectedLoss(shifted)
            // Divide by the step Float rounding really took, not the nominal one.
            let numeric = (lossPlus - lossMinus) / (Double(plus[i]) - Double(minus[i]))
            let a = Double(analytic[i])
            let error = Swift.abs(a - numeric)
            report.checkedElements += 1
            report.maxAbsoluteError = max(report.maxAbsoluteError, error)
            let tolerance =
                options.absolute + options.relative * max(Swift.abs(a), Swift.abs(numeric))
            // Written so that a NaN on either side counts as a mismatch.
            if !(error <= tolerance) {
                report.mismatches.append(
                    GradientMismatch(
                        input: k, index: multiIndex(i, input.shape), analytic: a, numeric: numeric))
            }
        }
    }
    return report
}

/// Records a test issue unless the tape's gradients of `f` at `inputs` match finite differences
/// (see `gradientCheck`).
@discardableResult
public func checkGradients(
    of f: ([Tensor]) -> Tensor, at inputs: [Tensor],
    options: GradientCheckOptions = GradientCheckOptions(),
    sourceLocation: SourceLocation = #_sourceLocation
) -> GradientCheckReport {
    let report = gradientCheck(of: f, at: inputs, options: options)
    if !report.passed {
        Issue.record(Comment(rawValue: report.description), sourceLocation: sourceLocation)
    }
    return report
}
