/// How a 2-D window (convolution filter or pooling window) treats the borders, as TensorFlow's
/// `padding` attr.
///
/// - `valid`: no padding; `out = ceil((in - k + 1) / stride)`.
/// - `same`: `out = ceil(in / stride)`, padded with TensorFlow's asymmetric rule:
///   `pad_total = max((out - 1) * stride + k - in, 0)`, `pad_before = pad_total / 2`, and the odd
///   element on the after side (bottom/right). Any other split shifts every output by a pixel
///   against a TensorFlow export of the same weights.
public enum SpatialPadding: String, Sendable, Hashable {
    case same
    case valid

    /// The value of TensorFlow's `padding` attr.
    public var tfName: String { self == .same ? "SAME" : "VALID" }

    /// The output size along one spatial axis; `-1` when the input size is unknown.
    public func outputSize(_ input: Int, kernel: Int, stride: Int) -> Int {
        if input < 0 { return -1 }
        switch self {
        case .same: return (input + stride - 1) / stride
        case .valid: return max(input - kernel + stride, 0) / stride
        }
    }

    /// The padding before (top/left) along one spatial axis of known size.
    public func padBefore(_ input: Int, kernel: Int, stride: Int) -> Int {
        guard self == .same else { return 0 }
        let out = outputSize(input, kernel: kernel, stride: stride)
        return max((out - 1) * stride + kernel - input, 0) / 2
    }
}
