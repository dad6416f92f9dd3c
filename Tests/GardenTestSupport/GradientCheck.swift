import GardenTensor
import Testing

/// How a gradient check perturbs and compares.
///
/// The kernels are Float32 only, so a check cannot run the function itself in Double. What it
/// does in Double is everything the finite difference adds on top of the kernels:
///
/// - the output `y = f(x)` (any shape) is reduced to the scalar `L = sum(y * r)` in Double, from
///   the Float32 elements of `y`, so no Float32 summation rounds `L` (a model's loss is already a
///   scalar: there `L` is that Float32 value, `r = 1`);
/// - the difference `L(x + h) - L(x - h)` is taken in Double and divided by the step Float32
///   rounding actually took, `Float(x + h) - Float(x - h)` in Double, not by the nominal `2h`.
///
/// What is left is the rounding of the Float32 kernels themselves: each output element is off by
/// a few ulps (relative 1e-7 to 1e-6), which moves `L` by about `1e-6 * |L|` and the difference
/// quotient by `1e-6 * |L| / h`. The central difference's truncation error is about
/// `h² * |f'''| / 6`. With inputs and parameters of order 1 and `h = 1e-2`, both are about 1e-4 or less,
/// two orders under the default tolerance `1e-2 + 1e-2 * max(|vjp|, |numeric|)`, while a wrong
/// vjp (a missing factor, a transposed or swapped axis, a lost path) is off by order 1. A
/// function with a kink (relu, max pooling) needs its inputs farther than `h` from the kink
/// (`TestInputs.awayFromZero`), or a smaller step with the reason written next to it.
public struct GradientCheckOptions: Sendable {
    /// The central-difference step.
    public var step: Float
    /// The absolute part of the tolerance `absolute + relative * max(|analytic|, |numeric|)`.
    public var absolute: Double
    /// The relative part of the tolerance.
    public var relative: Double
    /// The stream of the random projection `r` that turns a non-scalar output into the scalar
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

extension GradientCheckOptions {
    /// For networks with ReLU on hidden pre-activations, which a test cannot keep away from the
    /// kink (they are products of weights and inputs, often batch-normalized around 0).
    ///
    /// A central difference across a kink is off by up to half that unit's contribution. A step
    /// of 1e-3 makes a crossing ten times less likely than the default 1e-2 (rounding noise then
    /// about 1e-3, see above), and a tolerance of 5e-2 absorbs a rare crossing (about 1/70 of a
    /// gradient with ~70 units per channel), still far below the order-1 error of a wrong vjp.
    public static let throughReLU = GradientCheckOptions(
        step: 1e-3, absolute: 5e-2, relative: 5e-2)
}

/// One parameter element whose tape gradient disagrees with its finite difference.
public struct GradientMismatch: Sendable, CustomStringConvertible {
    /// The parameter's path (`input_0`, … for the inputs of `gradientCheck(of:at:)`).
    public var path: String
    public var index: [Int]
    public var analytic: Double
    public var numeric: Double

    public var description: String {
        "\(path) element \(index): vjp \(analytic), finite difference \(numeric)"
    }
}

/// The outcome of a gradient check.
public struct GradientCheckReport: Sendable, CustomStringConvertible {
    /// Problems other than element values (a gradient of the wrong shape, a taped value that
    /// differs from the eager one).
    public var problems: [String] = []
    public var mismatches: [GradientMismatch] = []
    /// How many parameter elements were compared.
    public var checkedElements = 0
    /// The largest `|analytic - numeric|` seen.
    public var maxAbsoluteError = 0.0
    /// Trainable parameters the tape gave no gradient (checked as zero): an input the function
    /// ignores, or a model parameter its loss never reads.
    public var unreachedPaths: [String] = []

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

/// Compares the tape's gradients of `f` with respect to `parameters` with central finite
/// differences (see `GradientCheckOptions` for what runs in Double and why the tolerance holds).
///
/// `f` reads the parameters through `Parameter.read()`, as a layer or model does in training, so
/// the check runs `Tape.valueWithGradients` exactly as the trainer does; for the finite
/// differences each trainable parameter element is perturbed in place and restored. Parameters
/// that are not trainable (batch-norm moving statistics) are neither perturbed nor compared; a
/// trainable parameter the tape never reached has gradient zero.
///
/// - Parameters:
///   - parameters: the parameters to differentiate with respect to.
///   - options: step, tolerance and projection.
///   - f: the function under test, evaluated at the parameters' current values.
/// - Returns: every mismatch and problem found; `passed` when there are none.
public func gradientCheck(
    with parameters: [Parameter], options: GradientCheckOptions = GradientCheckOptions(),
    _ f: () -> Tensor
) -> GradientCheckReport {
    let outputShape = f().shape
    let count = outputShape.reduce(1, *)
    // A scalar (a loss) is checked as it is: a random weight could be small and shrink a wrong
    // gradient under the absolute tolerance.
    let r =
        count == 1
        ? [1]
        : Philox(seed: TestInputs.seed, stream: options.projectionStream).normal(count: count)

    // The projected loss of the Float32 kernels' output, summed in Double.
    func projectedLoss() -> Double {
        zip(f().floats, r).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    var report = GradientCheckReport()
    let (tapeLoss, tapeGradients) = Tape.valueWithGradients {
        (f() * Tensor(r, shape: outputShape)).sum()
    }
    // Taped mode must compute what eager mode does, or the gradient is of another function.
    let eagerLoss = projectedLoss()
    let lossError = Swift.abs(Double(tapeLoss.scalar) - eagerLoss)
    if !(lossError <= options.absolute + options.relative * Swift.abs(eagerLoss)) {
        report.problems.append("taped value \(tapeLoss.scalar), eager value \(eagerLoss)")
    }
    for parameter in parameters where parameter.trainable {
        let base = parameter.value
        let taped = tapeGradients.first { $0.0 === parameter }?.1
        if taped == nil { report.unreachedPaths.append(parameter.path) }
        let gradient = taped ?? Tensor.zeros(base.shape)
        guard gradient.shape == base.shape else {
            report.problems.append(
                "\(parameter.path): gradient shape \(gradient.shape), expected \(base.shape)")
            continue
        }
        let analytic = gradient.floats
        let x = base.floats
        defer { parameter.value = base }
        for i in 0..<x.count {
            var plus = x
            var minus = x
            plus[i] += options.step
            minus[i] -= options.step
            parameter.value = Tensor(plus, shape: base.shape)
            let lossPlus = projectedLoss()
            parameter.value = Tensor(minus, shape: base.shape)
            let lossMinus = projectedLoss()
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
                        path: parameter.path, index: multiIndex(i, base.shape), analytic: a,
                        numeric: numeric))
            }
        }
    }
    return report
}

/// `gradientCheck(with:_:)` for a function of plain tensors: every Float32 input becomes a
/// `Parameter` named `input_<k>` that `f` receives through `read()`; Int32 inputs (labels) are
/// passed through and not differentiated.
///
/// - Parameters:
///   - f: the function under test; it may use an input several times.
///   - inputs: the point to check at (concrete tensors).
///   - options: step, tolerance and projection.
/// - Returns: every mismatch and problem found; `passed` when there are none.
public func gradientCheck(
    of f: ([Tensor]) -> Tensor, at inputs: [Tensor],
    options: GradientCheckOptions = GradientCheckOptions()
) -> GradientCheckReport {
    let parameters = inputs.enumerated().map { Parameter($1, path: "input_\($0)") }
    let differentiable = inputs.map { $0.dtype == .float32 }
    return gradientCheck(
        with: zip(parameters, differentiable).filter(\.1).map(\.0), options: options
    ) {
        f(zip(parameters, differentiable).map { $1 ? $0.read() : $0.value })
    }
}

/// Records a test issue unless the tape's gradients of `f` at `inputs` match finite differences
/// (see `gradientCheck(of:at:options:)`).
///
/// - Parameters:
///   - f: the function under test.
///   - inputs: the point to check at.
///   - options: step, tolerance and projection.
///   - sourceLocation: where a failure is reported.
/// - Returns: the report, for tests that assert more.
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

/// Records a test issue unless the tape's gradients of `f` with respect to `parameters` match
/// finite differences (see `gradientCheck(with:options:_:)`).
///
/// - Parameters:
///   - parameters: the parameters to differentiate with respect to.
///   - options: step, tolerance and projection.
///   - sourceLocation: where a failure is reported.
///   - f: the function under test.
/// - Returns: the report, for tests that assert more.
@discardableResult
public func checkGradients(
    with parameters: [Parameter], options: GradientCheckOptions = GradientCheckOptions(),
    sourceLocation: SourceLocation = #_sourceLocation, _ f: () -> Tensor
) -> GradientCheckReport {
    let report = gradientCheck(with: parameters, options: options, f)
    if !report.passed {
        Issue.record(Comment(rawValue: report.description), sourceLocation: sourceLocation)
    }
    return report
}
