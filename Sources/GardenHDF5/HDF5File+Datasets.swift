import CHDF5
import Foundation

/// Writing and reading datasets.
extension HDF5File {
    /// Writes `values` as a dataset of shape `shape` at `path`, creating missing groups
    /// (`encoder/layer_0/kernel` creates `encoder` and `encoder/layer_0`) and replacing any
    /// dataset already there.
    ///
    /// Values are row-major; `shape == []` writes a scalar from exactly one value. A replaced
    /// dataset of the same dtype and shape is overwritten in place; otherwise the old one is
    /// unlinked, and HDF5 does not reuse its bytes, so rewrite a file from scratch when size
    /// matters.
    /// - Parameters:
    ///   - values: The elements, `shape.reduce(1, *)` of them. `Float`, `Double`, `Int32`,
    ///     `Int64` and `UInt8` are supported.
    ///   - shape: The dimensions, outermost first; each must be `>= 0`.
    ///   - path: Slash-separated dataset path, e.g. `train/inputs`.
    ///   - attributes: Set on the dataset as `writeAttributes` would, while it is open (a
    ///     checkpoint's checksum per tensor: looking the dataset up again cost as much as
    ///     making it).
    /// - Throws: `HDF5Error.invalidShape`, `.readOnly`, `.notAGroup` (a parent is a dataset) or
    ///   `.notADataset` (the path is a group).
    public func write<Element: HDF5Element>(
        _ values: [Element], shape: [Int], at path: String,
        attributes: [(name: String, value: HDF5AttributeValue)] = []
    ) throws {
        try HDF5Library.withLock {
            let fileID = try openID()
            let (name, names) = try datasetPath(path)
            try requireWritable(name)
            guard let count = Self.elementCount(shape), count == values.count else {
                throw HDF5Error.invalidShape(
                    file: self.path, path: name, shape: shape, valueCount: values.count)
            }
            try createGroups(names.dropLast(), in: fileID)
            let dataset: hid_t
            switch try writerObjectKind(name, in: fileID) {
            case nil:
                dataset = try createDataset(values, shape: shape, name: name, in: fileID)
            case .group:
                throw HDF5Error.notADataset(file: self.path, path: name)
            case .other:
                throw HDF5Error.invalidPath(file: self.path, path: name, reason: "not a dataset")
            case .dataset:
                if let existing = try overwriteInPlace(values, shape: shape, name: name, in: fileID)
                {
                    dataset = existing
                } else {
                    guard H5Ldelete(fileID, name, garden_h5p_default()) >= 0 else {
                        throw HDF5Error.library(
                            file: self.path, action: "replace dataset '\(name)'")
                    }
                    knownObjects[name] = nil
                    dataset = try createDataset(values, shape: shape, name: name, in: fileID)
                }
            }
            defer { H5Dclose(dataset) }
            for (attributeName, value) in attributes {
                try setAttribute(attributeName, value, on: dataset, objectName: name)
            }
        }
    }

    /// Reads the dataset at `path`, which must hold `Element`'s dtype exactly.
    /// - Parameters:
    ///   - type: The element type, e.g. `Float.self`.
    ///   - path: Slash-separated dataset path.
    /// - Returns: The shape (outermost first; `[]` for a scalar) and the row-major values.
    /// - Throws: `HDF5Error.datasetNotFound` (listing the datasets), `.dtypeMismatch` or
    ///   `.unsupportedDtype`.
    public func read<Element: HDF5Element>(
        _ type: Element.Type, at path: String
    ) throws -> (shape: [Int], values: [Element]) {
        try HDF5Library.withLock {
            let (dataset, name) = try openDataset(path, in: try openID())
            defer { H5Dclose(dataset) }
            let layout = try layout(of: dataset, name: name)
            guard layout.dtype == Element.hdf5DType else {
                throw HDF5Error.dtypeMismatch(
                    file: self.path, path: name, expected: Element.hdf5DType, found: layout.dtype)
            }
            try checkStorage(dataset, layout, elementSize: MemoryLayout<Element>.size, name: name)
            let values: [Element] = try readValues(dataset, count: layout.count, name: name)
            return (layout.shape, values)
        }
    }

    /// Reads a `float32` dataset; any other dtype throws `HDF5Error.dtypeMismatch`.
    /// - Parameter path: Slash-separated dataset path.
    /// - Returns: The shape (outermost first; `[]` for a scalar) and the row-major values.
    /// - Throws: `HDF5Error.datasetNotFound` (listing the datasets) or `.dtypeMismatch`.
    public func readFloat(_ path: String) throws -> (shape: [Int], values: [Float]) {
        try read(Float.self, at: path)
    }

    /// Reads an `int32` dataset; any other dtype throws `HDF5Error.dtypeMismatch`.
    /// - Parameter path: Slash-separated dataset path.
    /// - Returns: The shape (outermost first; `[]` for a scalar) and the row-major values.
    /// - Throws: `HDF5Error.datasetNotFound` (listing the datasets) or `.dtypeMismatch`.
    public func readInt32(_ path: String) throws -> (shape: [Int], values: [Int32]) {
        try read(Int32.self, at: path)
    }

    /// Reads a dataset of any supported dtype.
    /// - Parameter path: Slash-separated dataset path.
    /// - Returns: The dataset's values, shape and dtype.
    /// - Throws: `HDF5Error.datasetNotFound` (listing the datasets), `.dtypeMismatch` or
    ///   `.unsupportedDtype`.
    public func read(_ path: String) throws -> HDF5Array {
        let dtype = try datasetInfo(path).dtype
        // The lock is released between the two calls; a concurrent writer replacing the dataset
        // with another dtype makes the typed read throw a clear dtypeMismatch, never misread.
        switch dtype {
        case .float32:
            let (shape, values) = try read(Float.self, at: path)
            return .float32(shape: shape, values: values)
        case .float64:
            let (shape, values) = try read(Double.self, at: path)
            return .float64(shape: shape, values: values)
        case .int32:
            let (shape, values) = try read(Int32.self, at: path)
            return .int32(shape: shape, values: values)
        case .int64:
            let (shape, values) = try read(Int64.self, at: path)
            return .int64(shape: shape, values: values)
        case .uint8:
            let (shape, values) = try read(UInt8.self, at: path)
            return .uint8(shape: shape, values: values)
        }
    }

    /// The dtype and shape of the dataset at `path`, without reading its values.
    /// - Parameter path: Slash-separated dataset path.
    /// - Returns: The dtype and the shape (outermost first; `[]` for a scalar).
    /// - Throws: `HDF5Error.datasetNotFound` (listing the datasets) or `.unsupportedDtype`.
    public func datasetInfo(_ path: String) throws -> (dtype: HDF5DType, shape: [Int]) {
        try HDF5Library.withLock {
            let (dataset, name) = try openDataset(path, in: try openID())
            defer { H5Dclose(dataset) }
            let layout = try layout(of: dataset, name: name)
            return (layout.dtype, layout.shape)
        }
    }

    /// The file offset of the dataset's values, or nil when they have none (an empty dataset,
    /// or one not stored contiguously).
    func dataOffset(of path: String) throws -> Int? {
        try HDF5Library.withLock {
            let (dataset, _) = try openDataset(path, in: try openID())
            defer { H5Dclose(dataset) }
            // HADDR_UNDEF, all bits set, when libhdf5 allocated no contiguous storage.
            return Int(exactly: H5Dget_offset(dataset))
        }
    }

    // MARK: - Helpers (callers hold the lock)

    /// A dataset's dtype, shape and element count, as read from the file.
    struct Layout {
        var dtype: HDF5DType
        var shape: [Int]
        var count: Int
    }

    /// The number of elements of `shape`, or `nil` when a dimension is negative or the
    /// product overflows.
    static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// Opens the dataset at `objectPath`, or throws an error that lists the file's datasets.
    func openDataset(_ objectPath: String, in fileID: hid_t) throws -> (hid_t, String) {
        let name = try datasetPath(objectPath).name
        switch objectKind(name, in: fileID) {
        case .dataset:
            break
        case .group:
            throw HDF5Error.notADataset(file: path, path: name)
        case .other:
            throw HDF5Error.invalidPath(file: path, path: name, reason: "not a dataset")
        case nil:
            throw HDF5Error.datasetNotFound(
                file: path, path: name, available: try datasetPaths(in: fileID))
        }
        let dataset = H5Dopen2(fileID, name, garden_h5p_default())
        guard dataset >= 0 else {
            throw HDF5Error.library(file: path, action: "open dataset '\(name)'")
        }
        return (dataset, name)
    }

    /// Reads a dataset's type and extent, checking every number that comes from the file.
    func layout(of dataset: hid_t, name: String) throws -> Layout {
        let type = H5Dget_type(dataset)
        guard type >= 0 else {
            throw HDF5Error.library(file: path, action: "read the type of dataset '\(name)'")
        }
        defer { H5Tclose(type) }
        guard let dtype = HDF5DType(hdf5Type: type) else {
            throw HDF5Error.unsupportedDtype(
                file: path, path: name, found: HDF5DType.describe(hdf5Type: type))
        }
        let space = H5Dget_space(dataset)
        guard space >= 0 else {
            throw HDF5Error.library(file: path, action: "read the shape of dataset '\(name)'")
        }
        defer { H5Sclose(space) }
        let rank = H5Sget_simple_extent_ndims(space)
        let extent = H5Sget_simple_extent_type(space)
        guard extent == H5S_SCALAR || extent == H5S_SIMPLE, rank >= 0 else {
            throw HDF5Error.unsupportedDtype(
                file: path, path: name, found: "\(dtype) without a dataspace (H5S_NULL)")
        }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        if rank > 0 {
            guard H5Sget_simple_extent_dims(space, &dims, nil) == rank else {
                throw HDF5Error.library(file: path, action: "read the shape of dataset '\(name)'")
            }
        }
        let shape = dims.map { Int(exactly: $0) ?? -1 }
        let elementSize = MemoryLayout<Int64>.size
        guard let count = Self.elementCount(shape),
            !count.multipliedReportingOverflow(by: elementSize).overflow
        else {
            throw HDF5Error.library(
                file: path, action: "read dataset '\(name)': shape \(dims) is too large")
        }
        return Layout(dtype: dtype, shape: shape, count: count)
    }

    /// Refuses, before allocating, a dataset whose declared shape needs more bytes than the
    /// file can hold: a contiguous or compact dataset's bytes lie in the file, so they cannot
    /// exceed its size (a 1 KB file declaring [1000000, 1000000] floats is damaged, not 4 TB of
    /// data); a chunked one holds at most its stored bytes times what its filters can expand
    /// them to (`DatasetStorage`), and never more than the machine's memory. Data kept outside
    /// the file (external files, virtual datasets) is refused: a file must not make us read
    /// other files.
    func checkStorage(_ dataset: hid_t, _ layout: Layout, elementSize: Int, name: String) throws {
        let (bytes, overflow) = layout.count.multipliedReportingOverflow(by: elementSize)
        var fileSize: hsize_t = 0
        guard H5Fget_filesize(try openID(), &fileSize) >= 0 else {
            throw HDF5Error.library(file: path, action: "read the file size")
        }
        let plist = H5Dget_create_plist(dataset)
        guard plist >= 0 else {
            throw HDF5Error.library(file: path, action: "read the layout of dataset '\(name)'")
        }
        defer { H5Pclose(plist) }
        let storage = try DatasetStorage(
            dataset, creationList: plist, fileSize: Int(clamping: fileSize), file: path,
            name: name)
        guard !overflow, bytes <= storage.limit else {
            throw HDF5Error.tooLarge(
                file: path, path: name, shape: layout.shape, bytes: overflow ? nil : bytes,
                limit: storage.limitDescription)
        }
    }

    /// Reads all `count` elements of `dataset`, converting from the file's byte order.
    func readValues<Element: HDF5Element>(
        _ dataset: hid_t, count: Int, name: String
    ) throws -> [Element] {
        guard count > 0 else { return [] }
        var status: herr_t = -1
        let values = [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            status = H5Dread(
                dataset, Element.hdf5DType.memoryType, garden_h5s_all(), garden_h5s_all(),
                garden_h5p_default(), buffer.baseAddress)
            // The elements are plain numbers, so a failed read may leave them uninitialized.
            initialized = status >= 0 ? count : 0
        }
        guard status >= 0 else {
            throw HDF5Error.library(file: path, action: "read dataset '\(name)'")
        }
        return values
    }

    /// Writes `values` into the existing dataset `name` when its dtype and shape already match.
    /// - Returns: The dataset, open (the caller closes it), or `nil` when it does not match.
    private func overwriteInPlace<Element: HDF5Element>(
        _ values: [Element], shape: [Int], name: String, in fileID: hid_t
    ) throws -> hid_t? {
        let dataset = H5Dopen2(fileID, name, garden_h5p_default())
        guard dataset >= 0 else { return nil }
        do {
            guard let layout = try? layout(of: dataset, name: name),
                layout.dtype == Element.hdf5DType, layout.shape == shape
            else {
                H5Dclose(dataset)
                return nil
            }
            try writeValues(values, to: dataset, name: name)
            return dataset
        } catch {
            H5Dclose(dataset)
            throw error
        }
    }

    /// Creates dataset `name` (parents must exist) without timestamps and writes `values`.
    /// - Returns: The dataset, open (the caller closes it).
    private func createDataset<Element: HDF5Element>(
        _ values: [Element], shape: [Int], name: String, in fileID: hid_t
    ) throws -> hid_t {
        let space =
            shape.isEmpty
            ? H5Screate(H5S_SCALAR)
            : H5Screate_simple(Int32(shape.count), shape.map { hsize_t($0) }, nil)
        guard space >= 0 else {
            throw HDF5Error.library(file: path, action: "make a dataspace of shape \(shape)")
        }
        defer { H5Sclose(space) }
        let dataset = H5Dcreate2(
            fileID, name, Element.hdf5DType.fileType, space, garden_h5p_default(),
            try untimedCreation(.dataset), garden_h5p_default())
        guard dataset >= 0 else {
            throw HDF5Error.library(file: path, action: "create dataset '\(name)'")
        }
        knownObjects[name] = .dataset
        do {
            try writeValues(values, to: dataset, name: name)
        } catch {
            H5Dclose(dataset)
            throw error
        }
        return dataset
    }

    private func writeValues<Element: HDF5Element>(
        _ values: [Element], to dataset: hid_t, name: String
    ) throws {
        // An empty array may have no buffer at all; there is nothing to write anyway.
        guard !values.isEmpty else { return }
        let status = values.withUnsafeBufferPointer { buffer in
            H5Dwrite(
                dataset, Element.hdf5DType.memoryType, garden_h5s_all(), garden_h5s_all(),
                garden_h5p_default(), buffer.baseAddress)
        }
        guard status >= 0 else {
            throw HDF5Error.library(file: path, action: "write dataset '\(name)'")
        }
    }
}
