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
        let found = try objects(in: fileID)
        if found.truncated {
            throw HDF5Error.library(
                file: path,
                action:
                    "list the file: it has more than \(Self.maximumLinks) links (hard links may loop)"
            )
        }
        if let group = found.unlistedGroup {
            throw HDF5Error.library(file: path, action: "list group '\(group)'")
        }
        return Self.sortedBytewise(found.datasets)
    }

    /// The most links one walk follows. Hard links can make a group its own descendant, and two
    /// links back to the parent already give 2^depth paths, so the depth limit alone does not
    /// bound the time; a BERT-base checkpoint with its optimizer slots has about 2,000 links.
    static let maximumLinks = 10_000

    /// The groups and datasets reachable from the root by links, and where the walk stopped.
    struct ObjectWalk {
        /// Group paths, the root as `""`, parents before children.
        var groups: [String] = [""]
        /// Dataset paths, in link-name order within each group.
        var datasets: [String] = []
        /// The first group whose links could not be listed.
        var unlistedGroup: String?
        /// Links followed so far.
        var links = 0
        /// Whether the walk stopped at `maximumLinks`.
        var truncated = false
    }

    /// Walks the file from the root; failures are recorded, not thrown, so a reader that must
    /// see everything (the verifier) goes on past them. Callers hold the lock.
    /// `visit` sees each object (the root as `""`) while it is open.
    func objects(in fileID: hid_t, visit: (hid_t, String) -> Void = { _, _ in }) throws
        -> ObjectWalk
    {
        let root = H5Gopen2(fileID, "/", garden_h5p_default())
        guard root >= 0 else {
            throw HDF5Error.library(file: path, action: "open the root group")
        }
        defer { H5Gclose(root) }
        var walk = ObjectWalk()
        visit(root, "")
        visitLinks(of: root, prefix: "", depth: 0, into: &walk, visit)
        return walk
    }

    /// Walks `group` by link index rather than with H5Lvisit/H5Ovisit, whose signatures change
    /// between libhdf5 1.10 and 1.12.
    private func visitLinks(
        of group: hid_t, prefix: String, depth: Int, into walk: inout ObjectWalk,
        _ visit: (hid_t, String) -> Void
    ) {
        // Hard links can make a group its own descendant; a depth limit stops the loop.
        guard depth < 64 else { return }
        let groupName = String(prefix.dropLast())
        var info = H5G_info_t()
        guard H5Gget_info(group, &info) >= 0 else {
            walk.unlistedGroup = walk.unlistedGroup ?? groupName
            return
        }
        for index in 0..<info.nlinks {
            guard walk.links < Self.maximumLinks else {
                walk.truncated = true
                return
            }
            walk.links += 1
            let name = Self.readName { buffer, size in
                Int(
                    H5Lget_name_by_idx(
                        group, ".", H5_INDEX_NAME, H5_ITER_INC, index, buffer, size,
                        garden_h5p_default()))
            }
            guard let name else {
                walk.unlistedGroup = walk.unlistedGroup ?? groupName
                return
            }
            // A dangling soft or external link does not open; it holds no dataset to list.
            let object = H5Oopen(group, name, garden_h5p_default())
            guard object >= 0 else { continue }
            defer { H5Oclose(object) }
            switch H5Iget_type(object) {
            case H5I_DATASET:
                walk.datasets.append(prefix + name)
                visit(object, prefix + name)
            case H5I_GROUP:
                walk.groups.append(prefix + name)
                visit(object, prefix + name)
                visitLinks(
                    of: object, prefix: prefix + name + "/", depth: depth + 1, into: &walk, visit)
            default:
                continue
            }
        }
    }
}
