/// A constant tensor embedded in a traced graph (a `Const` node's `value`).
public struct GraphConstant: Hashable, Sendable {
    public var dtype: DType
    public var shape: [Int]
    public var floats: [Float]
    public var ints: [Int32]
    public var bools: [Bool]
    /// Graph-only element types (string ops of the tokenizer graph).
    public var strings: [String] = []
    public var int64s: [Int64] = []

    public init(floats: [Float], shape: [Int]) {
        dtype = .float32; self.shape = shape; self.floats = floats; ints = []; bools = []
    }
    public init(ints: [Int32], shape: [Int]) {
        dtype = .int32; self.shape = shape; floats = []; self.ints = ints; bools = []
    }
    public init(strings: [String], shape: [Int]) {
        dtype = .string; self.shape = shape; floats = []; ints = []; bools = []
        self.strings = strings
    }
    public init(int64s: [Int64], shape: [Int]) {
        dtype = .int64; self.shape = shape; floats = []; ints = []; bools = []
        self.int64s = int64s
    }
}

/// An attribute value of a graph node, independent of TensorFlow's protobuf types: the exporter
/// maps each case to an `AttrValue`.
public enum GraphAttr: Hashable, Sendable {
    case type(DType)
    case resourceType
    case types([GraphArgType])
    case int(Int)
    case ints([Int])
    case float(Float)
    case bool(Bool)
    case string(String)
    case shape(Shape)
    case tensor(GraphConstant)
    case function(String)
}

/// The type of a function argument or output: a tensor dtype or a variable handle.
public enum GraphArgType: Hashable, Sendable {
    case tensor(DType)
    case resource
}
