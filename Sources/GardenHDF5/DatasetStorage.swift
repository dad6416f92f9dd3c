import CHDF5

/// The most bytes a dataset's values can take when read, judged from how the file stores them,
/// so that a small file cannot make a reader allocate what it merely declares.
struct DatasetStorage {
    /// The most bytes the values can hold.
    var limit: Int
    /// `limit` in an error message, after "more than".
    var limitDescription: String

    /// deflate (zlib) turns one stored byte into at most 1032 (zlib's documented maximum
    /// compression ratio).
    static let deflateExpansion = 1032

    /// - Parameters:
    ///   - dataset: The open dataset.
    ///   - plist: Its creation property list.
    ///   - fileSize: The size of the whole file in bytes.
    ///   - file: The path for error messages.
    ///   - name: The dataset path for error messages.
    /// - Throws: `HDF5Error.unsupportedStorage` for data kept outside the file.
    init(_ dataset: hid_t, creationList plist: hid_t, fileSize: Int, file: String, name: String)
        throws
    {
        let layout = H5Pget_layout(plist)
        if layout == H5D_CONTIGUOUS, H5Pget_external_count(plist) > 0 {
            throw HDF5Error.unsupportedStorage(
                file: file, path: name, found: "stores its data in external files")
        }
        switch layout {
        case H5D_CONTIGUOUS, H5D_COMPACT:
            limit = fileSize
            limitDescription = "the whole file (\(fileSize) bytes): the file is damaged"
        case H5D_CHUNKED:
            // Unallocated chunks read as the fill value, but a file we read holds its data:
            // a dataset storing less than it declares is damaged or was never written.
            let stored = Int(clamping: H5Dget_storage_size(dataset))
            let memory = MachineMemory.available
            let expansion = Self.expansion(of: plist)
            let (expanded, overflow) = stored.multipliedReportingOverflow(by: expansion ?? 1)
            if let expansion, !overflow, expanded < memory {
                limit = expanded
                limitDescription =
                    expansion == 1
                    ? "the \(stored) bytes it stores: the file is damaged"
                    : "\(expansion) times the \(stored) bytes it stores (the most deflate expands to): the file is damaged"
            } else {
                limit = memory
                limitDescription = "this machine's memory (\(memory) bytes)"
            }
        case H5D_VIRTUAL:
            throw HDF5Error.unsupportedStorage(
                file: file, path: name, found: "is a virtual dataset (its data is in other files)")
        default:
            throw HDF5Error.unsupportedStorage(
                file: file, path: name, found: "has an unknown storage layout")
        }
    }

    /// How many times its stored size the filters can make a chunk: the product over the
    /// filters, deflate 1032 and shuffle or Fletcher-32 1; nil when a filter can expand without
    /// a fixed bound (scale-offset and n-bit store as little as 0 bits a value; szip, or a
    /// filter libhdf5 does not know).
    static func expansion(of plist: hid_t) -> Int? {
        let count = H5Pget_nfilters(plist)
        guard count >= 0 else { return nil }
        var product = 1
        for index in 0..<UInt32(count) {
            var flags: UInt32 = 0
            var valueCount = 0
            var config: UInt32 = 0
            switch H5Pget_filter2(plist, index, &flags, &valueCount, nil, 0, nil, &config) {
            case H5Z_FILTER_DEFLATE:
                let (next, overflow) = product.multipliedReportingOverflow(by: deflateExpansion)
                guard !overflow else { return nil }
                product = next
            case H5Z_FILTER_SHUFFLE, H5Z_FILTER_FLETCHER32:
                continue
            default:
                return nil
            }
        }
        return product
    }
}
