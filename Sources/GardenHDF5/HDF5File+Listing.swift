import CHDF5

/// Finding what a file contains.
extension HDF5File {
    /// Whether a group or dataset exists at `path` (`""` or `"/"` is the root, which always does).
    /// - Parameter path: Slash-separated object path.
    /// - Returns: `true` when a group or dataset is there.
    /// - Throws: `HDF5Error.invalidPath` or `.closed`.
    public func exists(_ path: String) throws -> Bool {
        try HDF5Library.withLock {
            let fileID = try openID()
            let name = try pathComponents(path).joined(separator: "/")
            return objectKind(name, in: fileID) != nil
        }
    }

    /// Every dataset path in the file, recursively, without a leading `/`, sorted by UTF-8 bytes
    /// (the order `h5ls -r` prints, except that it interleaves groups).
    public func listDatasets() throws -> [String] {
        try HDF5Library.withLock { try datasetPaths(in: try openID()) }
    }

    /// The sorted dataset paths of the open file. Callers hold the lock.
    func datasetPaths(in fileID: hid_t) throws -> [String] {
        let root = H5Gopen2(fileID, "/", garden_h5p_default())
        guard root >= 0 else {
            throw HDF5Error.library(file: path, action: "open the root group")
        }
        defer { H5Gclose(root) }
        var found: [String] = []
        try collectDatasets(in: root, prefix: "", depth: 0, into: &found)
        return Self.sortedBytewise(found)
    }

    /// Walks `group` by link index rather than with H5Lvisit/H5Ovisit, whose signatures change
    /// between libhdf5 1.10 and 1.12.
    private func collectDatasets(
        in group: hid_t, prefix: String, depth: Int, into found: inout [String]
    ) throws {
        // Hard links can make a group its own descendant; a depth limit stops the loop.
        guard depth < 64 else { return }
        var info = H5G_info_t()
        guard H5Gget_info(group, &info) >= 0 else {
            throw HDF5Error.library(file: path, action: "list group '\(prefix)'")
        }
        for index in 0..<info.nlinks {
            let name = Self.readName { buffer, size in
                Int(
                    H5Lget_name_by_idx(
                        group, ".", H5_INDEX_NAME, H5_ITER_INC, index, buffer, size,
                        garden_h5p_default()))
            }
            guard let name else {
                throw HDF5Error.library(file: path, action: "list group '\(prefix)'")
            }
            // A dangling soft or external link does not open; it holds no dataset to list.
            let object = H5Oopen(group, name, garden_h5p_default())
            guard object >= 0 else { continue }
            defer { H5Oclose(object) }
            switch H5Iget_type(object) {
            case H5I_DATASET:
                found.append(prefix + name)
            case H5I_GROUP:
                try collectDatasets(
                    in: object, prefix: prefix + name + "/", depth: depth + 1, into: &found)
            default:
                continue
            }
        }
    }
}
