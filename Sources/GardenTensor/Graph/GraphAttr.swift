/// A constant tensor embedded in a traced graph (a `Const` node's `value`).
public struct GraphConstant: Hashable, Sendable {
    public var dtype: DType
    public var shape: [Int]
    public var floats: [Float]
    public var ints: [Int32]
    public var bools: [Bool]

    public init(floats: [Float], shape: [Int]) {
        dtype = .float32; self.shape = shape; self.floats = floats; ints = []; bools = []
    }
    public init(ints: [Int32], shape: [Int]) {
        dtype = .int32; self.shape = shape; floats = []; self.ints = ints; bools = []
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
