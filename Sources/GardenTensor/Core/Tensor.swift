/// An n-dimensional array of Float32 or Int32 values in a contiguous row-major buffer, or a
/// symbolic value inside a trace.
///
/// Tensors are values (copy-on-write arrays). The same forward code runs on them in three modes:
/// eager (plain values), taped (values that remember how they were made, for gradients), and
/// traced (symbolic values that append TensorFlow ops to a graph).
public struct Tensor {
    enum Storage {
        case float([Float])
        case int([Int32])
        case symbolic(SymbolicValue)
        /// No values: a tape entry's record of a tensor its vjp does not read (`shapeOnly`).
        case released
    }

    let storage: Storage
    /// The dimensions. For a symbolic tensor, `-1` marks an unknown size and an unknown rank is
    /// stored as `[]` with `symbolicShape == .unknownRank`.
    public let shape: [Int]
    public let dtype: DType
    /// The static shape as the tracer knows it (equal to `shape` for concrete tensors).
    public let symbolicShape: Shape
    /// Index of this value on the active tape, when it depends on something being differentiated.
    var tapeIndex: Int?

    /// A Float32 tensor from row-major values.
    public init(_ values: [Float], shape: [Int]) {
        precondition(
            values.count == shape.reduce(1, *),
            "Tensor: \(values.count) values do not fill shape \(shape)")
        storage = .float(values); self.shape = shape; dtype = .float32
        symbolicShape = Shape(shape); tapeIndex = nil
    }

    /// An Int32 tensor from row-major values.
    public init(int32 values: [Int32], shape: [Int]) {
        precondition(
            values.count == shape.reduce(1, *),
            "Tensor: \(values.count) values do not fill shape \(shape)")
        storage = .int(values); self.shape = shape; dtype = .int32
        symbolicShape = Shape(shape); tapeIndex = nil
    }

    /// A Float32 scalar.
    public init(_ value: Float) { self.init([value], shape: []) }

    init(symbolic: SymbolicValue, dtype: DType, shape: Shape) {
        storage = .symbolic(symbolic); self.dtype = dtype
        self.shape = shape.dims ?? []; symbolicShape = shape; tapeIndex = nil
    }

    /// A copy of this tensor tagged with a tape position.
    func onTape(_ index: Int) -> Tensor {
        var t = self
        t.tapeIndex = index
        return t
    }

    /// The same values without any tape history (gradients stop here).
    public var detached: Tensor {
        var t = self
        t.tapeIndex = nil
        return t
    }

    /// This tensor's shape and dtype without its values, as a tape entry keeps a tensor its vjp
    /// does not read (`Primitive.vjpReadsInput`); reading its values is a programming error.
    var shapeOnly: Tensor { Tensor(releasing: self) }

    private init(releasing t: Tensor) {
        storage = .released; shape = t.shape; dtype = t.dtype; symbolicShape = t.symbolicShape
        tapeIndex = nil
    }

    public var isSymbolic: Bool {
        if case .symbolic = storage { return true }
        return false
    }

    public var rank: Int { shape.count }
    public var count: Int { shape.reduce(1, *) }

    /// The Float32 values (row-major). Precondition: a concrete Float32 tensor.
    public var floats: [Float] {
        guard case .float(let f) = storage else {
            preconditionFailure("Tensor.floats on a \(dtype) \(storageKind)tensor")
        }
        return f
    }

    /// The Int32 values (row-major). Precondition: a concrete Int32 tensor.
    public var int32s: [Int32] {
        guard case .int(let i) = storage else {
            preconditionFailure("Tensor.int32s on a \(dtype) \(storageKind)tensor")
        }
        return i
    }

    /// "symbolic ", "released " (a vjp read what it said it would not) or "".
    private var storageKind: String {
        switch storage {
        case .symbolic: return "symbolic "
        case .released: return "released "
        case .float, .int: return ""
        }
    }

    /// The single value of a one-element Float32 tensor.
    public var scalar: Float { floats[0] }

    /// Raw little-endian bytes of the values (what TensorFlow's tensor bundle stores).
    public var bytes: [UInt8] {
        switch storage {
        case .float(let f): return f.withUnsafeBytes { Array($0) }
        case .int(let i): return i.withUnsafeBytes { Array($0) }
        case .symbolic, .released: preconditionFailure("Tensor.bytes on a \(storageKind)tensor")
        }
    }
}

extension Tensor {
    /// A Float32 tensor filled with `value`.
    public static func full(_ value: Float, shape: [Int]) -> Tensor {
        Tensor([Float](repeating: value, count: shape.reduce(1, *)), shape: shape)
    }
    public static func zeros(_ shape: [Int]) -> Tensor { full(0, shape: shape) }
    public static func ones(_ shape: [Int]) -> Tensor { full(1, shape: shape) }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        switch storage {
        case .symbolic(let s):
            return "Tensor(symbolic \(s.ref.functionBodyName), \(dtype), \(symbolicShape))"
        case .float(let f): return "Tensor(\(shape), \(f.prefix(8))\(f.count > 8 ? "…" : ""))"
        case .int(let i): return "Tensor(int32 \(shape), \(i.prefix(8))\(i.count > 8 ? "…" : ""))"
        case .released: return "Tensor(released \(dtype), \(shape))"
        }
    }
}
