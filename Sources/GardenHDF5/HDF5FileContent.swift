/// A whole file given as values: scalar attributes on the root group, then datasets (each with
/// its own scalar attributes), written in that order. `HDF5File.atomicallyWrite(_:to:reusing:)`
/// writes it, through an `HDF5ImageTemplate` when one already knows its layout.
public struct HDF5FileContent {
    /// One dataset: its path (`encoder/layer_0/kernel`; missing groups are made), values and
    /// attributes.
    public struct Dataset {
        public var path: String
        public var values: HDF5Array
        public var attributes: [(name: String, value: HDF5AttributeValue)]

        public init(
            path: String, values: HDF5Array,
            attributes: [(name: String, value: HDF5AttributeValue)] = []
        ) {
            self.path = path; self.values = values; self.attributes = attributes
        }
    }

    /// The root group's attributes.
    public var attributes: [(name: String, value: HDF5AttributeValue)]
    public var datasets: [Dataset]

    public init(
        attributes: [(name: String, value: HDF5AttributeValue)] = [], datasets: [Dataset] = []
    ) {
        self.attributes = attributes; self.datasets = datasets
    }
}

extension HDF5File {
    /// Writes `content` into this (new, empty) file: the root's attributes, then each dataset
    /// with its attributes, as `writeAttributes` and `write` would.
    public func write(_ content: HDF5FileContent) throws {
        try writeAttributes(content.attributes)
        for dataset in content.datasets {
            let (path, attributes) = (dataset.path, dataset.attributes)
            switch dataset.values {
            case .float32(let shape, let values):
                try write(values, shape: shape, at: path, attributes: attributes)
            case .float64(let shape, let values):
                try write(values, shape: shape, at: path, attributes: attributes)
            case .int32(let shape, let values):
                try write(values, shape: shape, at: path, attributes: attributes)
            case .int64(let shape, let values):
                try write(values, shape: shape, at: path, attributes: attributes)
            case .uint8(let shape, let values):
                try write(values, shape: shape, at: path, attributes: attributes)
            }
        }
    }
}

extension HDF5Array {
    /// The values' bytes in memory order (the file's little-endian order on this host).
    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows
        -> Result
    {
        switch self {
        case .float32(_, let values): return try values.withUnsafeBytes(body)
        case .float64(_, let values): return try values.withUnsafeBytes(body)
        case .int32(_, let values): return try values.withUnsafeBytes(body)
        case .int64(_, let values): return try values.withUnsafeBytes(body)
        case .uint8(_, let values): return try values.withUnsafeBytes(body)
        }
    }

    /// The same shape with every bit of every value flipped: a probe whose every byte differs.
    var complemented: HDF5Array {
        switch self {
        case .float32(let shape, let values):
            return .float32(shape: shape, values: values.map { Float(bitPattern: ~$0.bitPattern) })
        case .float64(let shape, let values):
            return .float64(
                shape: shape, values: values.map { Double(bitPattern: ~$0.bitPattern) })
        case .int32(let shape, let values): return .int32(shape: shape, values: values.map { ~$0 })
        case .int64(let shape, let values): return .int64(shape: shape, values: values.map { ~$0 })
        case .uint8(let shape, let values): return .uint8(shape: shape, values: values.map { ~$0 })
        }
    }
}
