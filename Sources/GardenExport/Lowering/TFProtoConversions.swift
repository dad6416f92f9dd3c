import Foundation
import GardenTensor
import TFProto

extension DType {
    /// TensorFlow's `DataType` for this element type.
    public var tfDataType: Tensorflow_DataType {
        switch self {
        case .float32: return .dtFloat
        case .int32: return .dtInt32
        case .bool: return .dtBool
        case .string: return .dtString
        case .int64: return .dtInt64
        }
    }
}

extension GraphArgType {
    /// TensorFlow's `DataType` of an argument of this type (`DT_RESOURCE` for a handle).
    public var tfDataType: Tensorflow_DataType {
        switch self {
        case .tensor(let dtype): return dtype.tfDataType
        case .resource: return .dtResource
        }
    }
}

extension Shape {
    /// The shape as a `TensorShapeProto`: `-1` dims stay `-1`, an unknown rank sets
    /// `unknown_rank`, a scalar has no dims.
    public var tensorShapeProto: Tensorflow_TensorShapeProto {
        var proto = Tensorflow_TensorShapeProto()
        if let dims {
            proto.dim = dims.map { size in
                var dim = Tensorflow_TensorShapeProto.Dim()
                dim.size = Int64(size)
                return dim
            }
        } else {
            proto.unknownRank = true
        }
        return proto
    }

    /// The shape a `TensorShapeProto` describes.
    public init(_ proto: Tensorflow_TensorShapeProto) {
        self = proto.unknownRank ? .unknownRank : Shape(proto.dim.map { Int($0.size) })
    }
}

extension GraphConstant {
    /// The constant as a `TensorProto` with typed `*_val` fields (every element written, so no
    /// broadcasting convention is involved).
    public var tensorProto: Tensorflow_TensorProto {
        var proto = Tensorflow_TensorProto()
        proto.dtype = dtype.tfDataType
        proto.tensorShape = Shape(shape).tensorShapeProto
        switch dtype {
        case .float32: proto.floatVal = floats
        case .int32: proto.intVal = ints
        case .bool: proto.boolVal = bools
        case .string: proto.stringVal = strings.map { Data($0.utf8) }
        case .int64: proto.int64Val = int64s
        }
        return proto
    }
}

extension GraphAttr {
    /// The attribute as TensorFlow's `AttrValue`.
    public var attrValue: Tensorflow_AttrValue {
        var value = Tensorflow_AttrValue()
        switch self {
        case .type(let dtype): value.type = dtype.tfDataType
        case .resourceType: value.type = .dtResource
        case .types(let types):
            // Set through `list` even when empty: an empty list must still be present.
            var list = Tensorflow_AttrValue.ListValue()
            list.type = types.map(\.tfDataType)
            value.list = list
        case .int(let i): value.i = Int64(i)
        case .ints(let ints):
            var list = Tensorflow_AttrValue.ListValue()
            list.i = ints.map { Int64($0) }
            value.list = list
        case .float(let f): value.f = f
        case .bool(let b): value.b = b
        case .string(let s): value.s = Data(s.utf8)
        case .shape(let shape): value.shape = shape.tensorShapeProto
        case .tensor(let constant): value.tensor = constant.tensorProto
        case .function(let name):
            var function = Tensorflow_NameAttrList()
            function.name = name
            value.func = function
        }
        return value
    }
}
