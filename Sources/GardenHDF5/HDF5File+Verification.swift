import CHDF5

/// What the verifier process (`HDF5Verifier`) makes libhdf5 decode: everything a reader of
/// this file can reach through GardenHDF5's API, so that whatever crashes libhdf5 crashes the
/// verifier first.
extension HDF5File {
    /// Reads what libhdf5 decodes on the way to any group, dataset or attribute:
    ///
    /// - the superblock and root group (opening the file), every group's links (symbol tables,
    ///   local heaps, link messages, fractal heaps) and every object header they lead to;
    /// - every attribute of every object, listed and by name, and its value (a variable-length
    ///   string's is in a global heap: `H5HG_read` crashed on a damaged one);
    /// - every dataset's type, shape and layout, and the values of every dataset whose read
    ///   decodes more than a checked byte range: chunked (chunk index, filters), compact, of a
    ///   type other than our little-endian numbers (conversions).
    ///
    /// Not read: the values of a contiguous dataset of our own types, the bulk of a checkpoint.
    /// libhdf5 reads those bytes at an address and length it checks against the end of the
    /// file, and `checkStorage` bounds the length by the file size before the parent reads.
    /// Errors are skipped, never thrown: the parent reports them when it meets them.
    func readEverything() {
        let walk = try? HDF5Library.withLock {
            try objects(in: try openID()) { object, objectPath in
                decodeAttributes(of: object, objectName: objectPath.isEmpty ? "/" : objectPath)
            }
        }
        for dataset in walk?.datasets ?? [] {
            _ = try? datasetInfo(dataset)
            if (try? valuesDecodeMetadata(dataset)) ?? true {
                _ = try? read(dataset)
            }
        }
    }

    /// Whether reading the dataset's values makes libhdf5 decode more than a checked byte
    /// range: anything but a contiguous dataset of one of `HDF5DType`'s little-endian types.
    private func valuesDecodeMetadata(_ objectPath: String) throws -> Bool {
        try HDF5Library.withLock {
            let (dataset, _) = try openDataset(objectPath, in: try openID())
            defer { H5Dclose(dataset) }
            let plist = H5Dget_create_plist(dataset)
            guard plist >= 0 else { return true }
            defer { H5Pclose(plist) }
            guard H5Pget_layout(plist) == H5D_CONTIGUOUS, H5Pget_external_count(plist) == 0 else {
                return true
            }
            let type = H5Dget_type(dataset)
            guard type >= 0 else { return true }
            defer { H5Tclose(type) }
            return !HDF5DType.allCases.contains { H5Tequal(type, $0.fileType) > 0 }
        }
    }
}
