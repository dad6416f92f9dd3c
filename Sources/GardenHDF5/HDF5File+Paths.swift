import CHDF5

/// Path parsing and object lookup shared by datasets and attributes. Callers hold the lock.
extension HDF5File {
    /// What an object path resolves to.
    enum ObjectKind {
        case group
        case dataset
        /// A named datatype or anything else we neither read nor write.
        case other
    }

    /// Splits `a/b/c` (a leading `/` is allowed) into its names; `""` and `"/"` are the root.
    func pathComponents(_ objectPath: String) throws -> [String] {
        var relative = Substring(objectPath).utf8
        if relative.first == UInt8(ascii: "/") { relative = relative.dropFirst() }
        if relative.isEmpty { return [] }
        // Split as bytes ('/' is one byte in UTF-8 and in no other character's encoding):
        // splitting the `String` compared `Character`s, half of this function's time, which a
        // checkpoint paid for each of its tensors.
        let names = relative.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        for name in names {
            // HDF5 would read "a//b" as "a/b" and "." as the current group; refusing them keeps
            // one spelling per object, so listings and error messages match what callers wrote.
            if name.isEmpty {
                throw HDF5Error.invalidPath(
                    file: path, path: objectPath, reason: "empty name (doubled or trailing '/')")
            }
            if name.elementsEqual(".".utf8) || name.elementsEqual("..".utf8) {
                throw HDF5Error.invalidPath(
                    file: path, path: objectPath, reason: "'.' and '..' are not allowed")
            }
            if name.contains(0) {
                throw HDF5Error.invalidPath(
                    file: path, path: objectPath, reason: "contains a NUL character")
            }
        }
        return names.map { String(Substring($0)) }
    }

    /// The normalized path of a dataset (no leading `/`) and its names; the root is not a
    /// dataset.
    func datasetPath(_ objectPath: String) throws -> (name: String, components: [String]) {
        let names = try pathComponents(objectPath)
        guard !names.isEmpty else {
            throw HDF5Error.invalidPath(
                file: path, path: objectPath, reason: "the root group cannot be a dataset")
        }
        return (names.joined(separator: "/"), names)
    }

    /// What `normalizedPath` names in the file, or `nil` when nothing is there.
    func objectKind(_ normalizedPath: String, in fileID: hid_t) -> ObjectKind? {
        let object = H5Oopen(
            fileID, normalizedPath.isEmpty ? "/" : normalizedPath, garden_h5p_default())
        guard object >= 0 else { return nil }
        defer { H5Oclose(object) }
        switch H5Iget_type(object) {
        case H5I_GROUP: return .group
        case H5I_DATASET: return .dataset
        default: return .other
        }
    }

    /// What `normalizedPath` names, for a writer: from `knownObjects` when it can, else from
    /// libhdf5 (remembered). The groups before it must exist, so that a missing link is a plain
    /// "no": looking up a missing object fills libhdf5's error stack.
    func writerObjectKind(_ normalizedPath: String, in fileID: hid_t) throws -> ObjectKind? {
        if let kind = knownObjects[normalizedPath] { return kind }
        if knowsEveryObject { return nil }
        let linked = H5Lexists(fileID, normalizedPath, garden_h5p_default())
        guard linked >= 0 else {
            throw HDF5Error.library(file: path, action: "look up '\(normalizedPath)'")
        }
        guard linked > 0, let kind = objectKind(normalizedPath, in: fileID) else { return nil }
        knownObjects[normalizedPath] = kind
        return kind
    }

    /// Creates every missing group along `names`, each without timestamps.
    ///
    /// HDF5 can create intermediate groups itself (`H5Pset_create_intermediate_group`), but it
    /// gives them the default creation properties, timestamps included, which would make files
    /// differ from run to run.
    func createGroups(_ names: ArraySlice<String>, in fileID: hid_t) throws {
        var prefix = ""
        for name in names {
            prefix = prefix.isEmpty ? name : prefix + "/" + name
            switch try writerObjectKind(prefix, in: fileID) {
            case .group:
                continue
            case .dataset:
                throw HDF5Error.notAGroup(file: path, path: prefix)
            case .other:
                throw HDF5Error.invalidPath(file: path, path: prefix, reason: "not a group")
            case nil:
                let group = H5Gcreate2(
                    fileID, prefix, garden_h5p_default(), try untimedCreation(.group),
                    garden_h5p_default())
                guard group >= 0 else {
                    throw HDF5Error.library(file: path, action: "create group '\(prefix)'")
                }
                H5Gclose(group)
                knownObjects[prefix] = .group
            }
        }
    }

    /// What an untimed creation property list is for.
    enum CreationKind {
        case group
        case dataset
    }

    /// Creation properties for a group or dataset without timestamps: object headers store
    /// modification times by default, so two identical checkpoints would differ in bytes.
    /// Made once per handle and closed with it.
    func untimedCreation(_ kind: CreationKind) throws -> hid_t {
        if let list = untimedCreationLists[kind] { return list }
        let list = try Self.makePropertyList(
            kind == .group ? garden_h5p_group_create() : garden_h5p_dataset_create(), file: path)
        guard H5Pset_obj_track_times(list, false) >= 0 else {
            H5Pclose(list)
            throw HDF5Error.library(file: path, action: "disable timestamps")
        }
        untimedCreationLists[kind] = list
        return list
    }

    /// Closes the lists `untimedCreation` made.
    func closeCreationLists() {
        for list in untimedCreationLists.values { H5Pclose(list) }
        untimedCreationLists = [:]
    }

    /// Reads a name that libhdf5 writes into a caller-sized buffer, decoding UTF-8 leniently so
    /// that odd bytes in a foreign file cannot crash us.
    static func readName(_ fill: (UnsafeMutablePointer<CChar>?, Int) -> Int) -> String? {
        let length = fill(nil, 0)
        guard length >= 0 else { return nil }
        var buffer = [CChar](repeating: 0, count: length + 1)
        let written = buffer.withUnsafeMutableBufferPointer { fill($0.baseAddress, length + 1) }
        guard written >= 0 else { return nil }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Sorts paths by their UTF-8 bytes, as `h5ls` and `sort` in the C locale do.
    static func sortedBytewise(_ paths: [String]) -> [String] {
        paths.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
