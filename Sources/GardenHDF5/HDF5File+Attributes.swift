import CHDF5
import Foundation

/// Scalar attributes on the root group or on any group or dataset.
extension HDF5File {
    /// Sets a string attribute, replacing any attribute of that name.
    ///
    /// Stored as a variable-length UTF-8 string, which h5py returns as `str` (a fixed-length
    /// one comes back as `bytes`). The string must not contain NUL characters.
    /// - Parameters:
    ///   - name: The attribute name.
    ///   - value: The text.
    ///   - path: The group or dataset; `"/"` (default) is the root group.
    /// - Throws: `HDF5Error` when the object is missing, the file is read-only or libhdf5 fails.
    public func writeAttribute(_ name: String, _ value: String, at path: String = "/") throws {
        try writeAttribute(name, .string(value), at: path)
    }

    /// Sets an `int64` attribute, replacing any attribute of that name.
    /// - Parameters:
    ///   - name: The attribute name.
    ///   - value: The number.
    ///   - path: The group or dataset; `"/"` (default) is the root group.
    /// - Throws: `HDF5Error` when the object is missing, the file is read-only or libhdf5 fails.
    public func writeAttribute(_ name: String, _ value: Int64, at path: String = "/") throws {
        try writeAttribute(name, .int64(value), at: path)
    }

    /// Sets a `float64` attribute, replacing any attribute of that name.
    /// - Parameters:
    ///   - name: The attribute name.
    ///   - value: The number.
    ///   - path: The group or dataset; `"/"` (default) is the root group.
    /// - Throws: `HDF5Error` when the object is missing, the file is read-only or libhdf5 fails.
    public func writeAttribute(_ name: String, _ value: Double, at path: String = "/") throws {
        try writeAttribute(name, .double(value), at: path)
    }

    /// Sets an attribute of any supported kind, replacing any attribute of that name.
    /// - Parameters:
    ///   - name: The attribute name.
    ///   - value: The value.
    ///   - path: The group or dataset; `"/"` (default) is the root group.
    /// - Throws: `HDF5Error` when the object is missing, the file is read-only or libhdf5 fails.
    public func writeAttribute(
        _ name: String, _ value: HDF5AttributeValue, at path: String = "/"
    ) throws {
        try writeAttributes([(name, value)], at: path)
    }

    /// Sets several attributes of one object, in order, each replacing any attribute of its
    /// name; the object is looked up once (a checkpoint sets a dozen on the root group).
    /// - Parameters:
    ///   - attributes: Names and values.
    ///   - path: The group or dataset; `"/"` (default) is the root group.
    /// - Throws: `HDF5Error` when the object is missing, the file is read-only or libhdf5 fails;
    ///   the attributes before the failing one are set.
    public func writeAttributes(
        _ attributes: [(name: String, value: HDF5AttributeValue)], at path: String = "/"
    ) throws {
        try HDF5Library.withLock {
            let (object, objectName) = try openObject(path)
            defer { H5Oclose(object) }
            try requireWritable(objectName)
            for (name, value) in attributes {
                try setAttribute(name, value, on: object, objectName: objectName)
            }
        }
    }

    /// Sets attribute `name` of the open, writable `object`, replacing any of that name.
    /// Callers hold the lock.
    func setAttribute(
        _ name: String, _ value: HDF5AttributeValue, on object: hid_t, objectName: String
    ) throws {
        if case .string(let text) = value, text.utf8.contains(0) {
            throw HDF5Error.attributeTypeMismatch(
                file: self.path, object: objectName, name: name,
                expected: "a string without NUL characters", found: "a string with one")
        }
        let exists = H5Aexists(object, name)
        guard exists >= 0, exists == 0 || H5Adelete(object, name) >= 0 else {
            throw HDF5Error.library(
                file: self.path, action: "replace attribute '\(name)' on '\(objectName)'")
        }
        let (fileType, memoryType, ownsTypes) = try Self.attributeTypes(
            for: value, file: self.path)
        defer {
            if ownsTypes {
                H5Tclose(fileType)
                if memoryType != fileType { H5Tclose(memoryType) }
            }
        }
        let space = H5Screate(H5S_SCALAR)
        guard space >= 0 else {
            throw HDF5Error.library(file: self.path, action: "make a scalar dataspace")
        }
        defer { H5Sclose(space) }
        let attribute = H5Acreate2(
            object, name, fileType, space, garden_h5p_default(), garden_h5p_default())
        guard attribute >= 0 else {
            throw HDF5Error.library(
                file: self.path, action: "create attribute '\(name)' on '\(objectName)'")
        }
        defer { H5Aclose(attribute) }
        let status: herr_t
        switch value {
        case .string(let text):
            status = text.withCString { characters in
                // A variable-length string is written as a pointer to its characters.
                var pointer: UnsafePointer<CChar>? = characters
                return H5Awrite(attribute, memoryType, &pointer)
            }
        case .int64(let number):
            var copy = number
            status = H5Awrite(attribute, memoryType, &copy)
        case .double(let number):
            var copy = number
            status = H5Awrite(attribute, memoryType, &copy)
        }
        guard status >= 0 else {
            throw HDF5Error.library(
                file: self.path, action: "write attribute '\(name)' on '\(objectName)'")
        }
    }

    /// Reads a scalar attribute: strings (fixed or variable length) as `.string`, any integer
    /// as `.int64`, any float as `.double`.
    /// - Parameters:
    ///   - name: The attribute name.
    ///   - path: The group or dataset; `"/"` (default) is the root group.
    /// - Returns: The value, as the kind it is stored as.
    /// - Throws: `HDF5Error.attributeNotFound` or
    ///   `.attributeTypeMismatch` for arrays and unsupported types.
    public func readAttribute(_ name: String, at path: String = "/") throws -> HDF5AttributeValue {
        try HDF5Library.withLock {
            let (object, objectName) = try openObject(path)
            defer { H5Oclose(object) }
            guard try attributeExists(name, on: object, objectName) else {
                throw HDF5Error.attributeNotFound(
                    file: self.path, object: objectName, name: name)
            }
            let attribute = H5Aopen(object, name, garden_h5p_default())
            guard attribute >= 0 else {
                throw HDF5Error.library(
                    file: self.path, action: "open attribute '\(name)' on '\(objectName)'")
            }
            defer { H5Aclose(attribute) }
            return try readScalar(attribute, name: name, objectName: objectName)
        }
    }

    /// Reads a string attribute; other kinds throw `HDF5Error.attributeTypeMismatch`.
    /// - Parameters:
    ///   - name: The attribute name.
    ///   - path: The group or dataset; `"/"` (default) is the root group.
    /// - Returns: The text.
    /// - Throws: `HDF5Error.attributeNotFound` or `.attributeTypeMismatch`.
    public func readStringAttribute(_ name: String, at path: String = "/") throws -> String {
        let value = try readAttribute(name, at: path)
        guard case .string(let text) = value else {
            throw mismatch(name, at: path, expected: "string", found: value)
        }
        return text
    }

    /// Reads an integer attribute; other kinds throw `HDF5Error.attributeTypeMismatch`.
    /// - Parameters:
    ///   - name: The attribute name.
    ///   - path: The group or dataset; `"/"` (default) is the root group.
    /// - Returns: The number.
    /// - Throws: `HDF5Error.attributeNotFound` or `.attributeTypeMismatch`.
    public func readInt64Attribute(_ name: String, at path: String = "/") throws -> Int64 {
        let value = try readAttribute(name, at: path)
        guard case .int64(let number) = value else {
            throw mismatch(name, at: path, expected: "int64", found: value)
        }
        return number
    }

    /// Reads a float attribute; other kinds throw `HDF5Error.attributeTypeMismatch`.
    /// - Parameters:
    ///   - name: The attribute name.
    ///   - path: The group or dataset; `"/"` (default) is the root group.
    /// - Returns: The number.
    /// - Throws: `HDF5Error.attributeNotFound` or `.attributeTypeMismatch`.
    public func readDoubleAttribute(_ name: String, at path: String = "/") throws -> Double {
        let value = try readAttribute(name, at: path)
        guard case .double(let number) = value else {
            throw mismatch(name, at: path, expected: "float64", found: value)
        }
        return number
    }

    /// Whether the group or dataset at `path` has an attribute `name`.
    ///
    /// Readers of untrusted files ask this rather than listing the names: libhdf5 1.10 builds a
    /// sorted table to list attributes and, on a damaged attribute message, crashes freeing it
    /// (`H5A__close` from `H5Aget_name_by_idx`; Fuzz/regressions/checkpoint), while `H5Aexists`
    /// decodes the messages one by one and reports the damage as an error.
    /// - Parameters:
    ///   - name: The attribute name.
    ///   - path: The group or dataset; `"/"` (default) is the root group.
    /// - Returns: `true` when the attribute exists.
    /// - Throws: `HDF5Error.objectNotFound` when nothing is at `path`, `.library` when libhdf5
    ///   cannot decode the object's attributes.
    public func hasAttribute(_ name: String, at path: String = "/") throws -> Bool {
        try HDF5Library.withLock {
            let (object, objectName) = try openObject(path)
            defer { H5Oclose(object) }
            return try attributeExists(name, on: object, objectName)
        }
    }

    /// `H5Aexists` on an open object, whose failure (undecodable attribute messages) is an
    /// error naming the object. Call with the library lock held.
    private func attributeExists(_ name: String, on object: hid_t, _ objectName: String) throws
        -> Bool
    {
        let found = H5Aexists(object, name)
        guard found >= 0 else {
            throw HDF5Error.library(
                file: path, action: "read the attributes of '\(objectName)'")
        }
        return found > 0
    }

    /// The names of the attributes on a group or dataset, sorted by UTF-8 bytes.
    /// - Parameter path: The group or dataset; `"/"` (default) is the root group.
    /// - Returns: The names, sorted by UTF-8 bytes.
    /// - Throws: `HDF5Error.objectNotFound` when nothing is at `path`.
    public func attributeNames(at path: String = "/") throws -> [String] {
        try HDF5Library.withLock {
            let (object, objectName) = try openObject(path)
            defer { H5Oclose(object) }
            return try attributeNames(of: object, objectName: objectName)
        }
    }

    // MARK: - Helpers (callers hold the lock)

    /// Opens the group or dataset at `objectPath`; its display name is `/` for the root.
    private func openObject(_ objectPath: String) throws -> (hid_t, String) {
        let fileID = try openID()
        let name = try pathComponents(objectPath).joined(separator: "/")
        let displayName = name.isEmpty ? "/" : name
        guard objectKind(name, in: fileID) != nil else {
            throw HDF5Error.objectNotFound(file: path, path: displayName)
        }
        let object = H5Oopen(fileID, displayName, garden_h5p_default())
        guard object >= 0 else {
            throw HDF5Error.library(file: path, action: "open '\(displayName)'")
        }
        return (object, displayName)
    }

    /// Makes libhdf5 decode every attribute of the open `object`, values included, as
    /// `readAttribute` does, skipping errors (the verifier's `readEverything`). Working on the
    /// open object, it costs the same at any depth of a file's paths. Callers hold the lock.
    func decodeAttributes(of object: hid_t, objectName: String) {
        // A name no file has: libhdf5 decodes every attribute message looking for it, as for
        // a reader asking for a missing attribute.
        _ = H5Aexists(object, "\u{1}swiftgarden-absent")
        for name in (try? attributeNames(of: object, objectName: objectName)) ?? [] {
            guard H5Aexists(object, name) > 0 else { continue }
            let attribute = H5Aopen(object, name, garden_h5p_default())
            guard attribute >= 0 else { continue }
            defer { H5Aclose(attribute) }
            _ = try? readScalar(attribute, name: name, objectName: objectName)
        }
    }

    private func attributeNames(of object: hid_t, objectName: String) throws -> [String] {
        // The attribute count lives in H5O_info_t, whose getter changes signature between
        // libhdf5 releases; asking for names until an index does not exist needs no count.
        var names: [String] = []
        var index: hsize_t = 0
        while true {
            let name = Self.readName { buffer, size in
                Int(
                    H5Aget_name_by_idx(
                        object, ".", H5_INDEX_NAME, H5_ITER_INC, index, buffer, size,
                        garden_h5p_default()))
            }
            guard let name else { break }
            names.append(name)
            index += 1
        }
        return Self.sortedBytewise(names)
    }

    /// The file and memory types for writing `value`; `ownsTypes` says they must be closed.
    private static func attributeTypes(
        for value: HDF5AttributeValue, file: String
    ) throws -> (hid_t, hid_t, ownsTypes: Bool) {
        switch value {
        case .int64:
            return (garden_h5t_std_i64le(), garden_h5t_native_int64(), false)
        case .double:
            return (garden_h5t_ieee_f64le(), garden_h5t_native_double(), false)
        case .string:
            let type = H5Tcopy(garden_h5t_c_s1())
            guard type >= 0,
                H5Tset_size(type, garden_h5t_variable()) >= 0,
                H5Tset_cset(type, H5T_CSET_UTF8) >= 0
            else {
                if type >= 0 { H5Tclose(type) }
                throw HDF5Error.library(file: file, action: "make a UTF-8 string type")
            }
            return (type, type, true)
        }
    }

    /// Reads a one-element attribute of any supported kind.
    private func readScalar(
        _ attribute: hid_t, name: String, objectName: String
    ) throws -> HDF5AttributeValue {
        let type = H5Aget_type(attribute)
        let space = H5Aget_space(attribute)
        defer {
            if type >= 0 { H5Tclose(type) }
            if space >= 0 { H5Sclose(space) }
        }
        guard type >= 0, space >= 0 else {
            throw HDF5Error.library(
                file: path, action: "read attribute '\(name)' on '\(objectName)'")
        }
        let found = HDF5DType(hdf5Type: type)?.rawValue ?? HDF5DType.describe(hdf5Type: type)
        let points = H5Sget_simple_extent_npoints(space)
        guard points == 1 else {
            throw HDF5Error.attributeTypeMismatch(
                file: path, object: objectName, name: name,
                expected: "a single value", found: "\(found) with \(points) values")
        }
        let failure = HDF5Error.library(
            file: path, action: "read attribute '\(name)' on '\(objectName)'")
        switch H5Tget_class(type) {
        case H5T_INTEGER:
            var number: Int64 = 0
            guard H5Aread(attribute, garden_h5t_native_int64(), &number) >= 0 else { throw failure }
            return .int64(number)
        case H5T_FLOAT:
            var number: Double = 0
            guard H5Aread(attribute, garden_h5t_native_double(), &number) >= 0 else {
                throw failure
            }
            return .double(number)
        case H5T_STRING:
            guard let text = readString(attribute, type: type) else { throw failure }
            return .string(text)
        default:
            throw HDF5Error.attributeTypeMismatch(
                file: path, object: objectName, name: name,
                expected: "string, integer or float", found: found)
        }
    }

    /// Reads a variable- or fixed-length string attribute, decoding UTF-8 leniently.
    private func readString(_ attribute: hid_t, type: hid_t) -> String? {
        if H5Tis_variable_str(type) > 0 {
            let memoryType = H5Tcopy(type)
            guard memoryType >= 0 else { return nil }
            defer { H5Tclose(memoryType) }
            var pointer: UnsafeMutablePointer<CChar>? = nil
            guard H5Aread(attribute, memoryType, &pointer) >= 0 else { return nil }
            // libhdf5 allocated the characters; it must also free them.
            defer { if let pointer { H5free_memory(pointer) } }
            guard let pointer else { return "" }
            return String(
                decoding: UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)),
                as: UTF8.self)
        }
        let size = H5Tget_size(type)
        guard size > 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: size)
        guard H5Aread(attribute, type, &bytes) >= 0 else { return nil }
        // Fixed-length strings are padded with NULs (or spaces, for H5T_STR_SPACEPAD).
        var end = bytes.firstIndex(of: 0) ?? bytes.count
        if H5Tget_strpad(type) == H5T_STR_SPACEPAD {
            while end > 0, bytes[end - 1] == UInt8(ascii: " ") { end -= 1 }
        }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    private func mismatch(
        _ name: String, at objectPath: String, expected: String, found: HDF5AttributeValue
    ) -> HDF5Error {
        let names = (try? pathComponents(objectPath)) ?? []
        let objectName = names.isEmpty ? "/" : names.joined(separator: "/")
        return HDF5Error.attributeTypeMismatch(
            file: path, object: objectName, name: name, expected: expected, found: found.kindName)
    }
}
