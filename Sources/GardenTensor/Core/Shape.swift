/// A static shape as the tracer sees it: each dimension is a size or `-1` (unknown, e.g. the batch
/// dimension of an exported signature); `dims == nil` means even the rank is unknown, as for the
/// TF Hub guide's `TensorSpec(shape=None)`.
public struct Shape: Hashable, Sendable, CustomStringConvertible {
    /// The dimensions, `-1` for an unknown size; `nil` for an unknown rank.
    public var dims: [Int]?

    public init(_ dims: [Int]) { self.dims = dims }
    private init(unknownRank: ()) { self.dims = nil }

    /// A shape whose rank is not known.
    public static let unknownRank = Shape(unknownRank: ())

    public var rank: Int? { dims?.count }
    public var isFullyDefined: Bool { dims.map { !$0.contains(-1) } ?? false }

    /// The number of elements, or nil when a dimension or the rank is unknown.
    public var elementCount: Int? {
        guard let dims, !dims.contains(-1) else { return nil }
        return dims.reduce(1, *)
    }

    public var description: String {
        guard let dims else { return "<unknown rank>" }
        return "[" + dims.map { $0 < 0 ? "?" : String($0) }.joined(separator: ", ") + "]"
    }

    /// The broadcast of two shapes under NumPy rules; nil when they cannot broadcast.
    /// Unknown sizes broadcast to unknown unless the other side fixes them (size 1 never does).
    public static func broadcast(_ a: Shape, _ b: Shape) -> Shape? {
        guard let x = a.dims, let y = b.dims else {
            // A scalar broadcasts with anything, so an unknown rank stays unknown.
            return .unknownRank
        }
        let rank = max(x.count, y.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let dx = i < rank - x.count ? 1 : x[i - (rank - x.count)]
            let dy = i < rank - y.count ? 1 : y[i - (rank - y.count)]
            if dx == dy {
                out[i] = dx
            } else if dx == 1 {
                out[i] = dy
            } else if dy == 1 {
                out[i] = dx
            } else if dx == -1 {
                out[i] = dy
            } else if dy == -1 {
                out[i] = dx
            } else {
                return nil
            }
        }
        return Shape(out)
    }
}

/// Row-major strides of a concrete shape.
@inlinable
public func rowMajorStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var s = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[i] = s
        s *= shape[i]
    }
    return strides
}
