/// Builds the bytes of files that share one layout without asking libhdf5 again: the same
/// datasets (path, dtype, shape), the same attributes (name, kind) and the same strings, with
/// only the dataset values and the numeric attributes changing, as between a run's checkpoints.
///
/// Why: on the mlp, libhdf5 spent about 70 % of a checkpoint's write CPU on building its object
/// model afresh for a layout that never changes (docs/performance.md), CPU the checkpoint
/// writer's thread takes from the training thread's core.
///
/// How: for a new layout, libhdf5 builds the file as always, and that image is what is written.
/// The template then has libhdf5 build a probe of the same layout, each numeric attribute set to
/// a sentinel that names it and every value's bits flipped; the dataset values' offsets come from
/// libhdf5 (`H5Dget_offset`), the attributes' from finding each sentinel once outside them. The
/// template is kept only if patching the probe with the real values gives back exactly the image
/// libhdf5 built, so any layout it cannot reproduce byte for byte (say a big-endian host, or an
/// attribute set twice) is always built by libhdf5. With the default (oldest) library-version
/// bounds no checksum covers the metadata, so where values sit never depends on the values.
///
/// Not thread-safe: use one template from one thread (or serial queue) at a time.
public final class HDF5ImageTemplate {
    /// Files larger than this are always built by libhdf5: the template keeps a copy of the file,
    /// and for large models the values dominate the write anyway.
    public let byteLimit: Int
    /// How many images came from the template rather than from libhdf5.
    public private(set) var patchedImages = 0

    /// The last layout seen, and how to patch its files (nil: libhdf5 builds them, because the
    /// file is over `byteLimit` or patching could not reproduce it; not tried again).
    private var known: (layout: Layout, patch: Patch?)?

    public init(byteLimit: Int = 16 << 20) { self.byteLimit = byteLimit }

    /// The bytes of `content`: patched from the template when it knows the layout, otherwise
    /// built by libhdf5, after which the template learns the layout.
    /// - Parameters:
    ///   - content: The file to build.
    ///   - build: The file's bytes as libhdf5 builds them, for a layout left to libhdf5.
    ///   - buildLocatingValues: The same bytes and each dataset's values' offset (nil when it
    ///     has none), for a layout to learn: the offsets cost a lookup per dataset.
    /// - Returns: The file's bytes.
    /// - Throws: What the builds throw for `content` (a probe that fails only leaves the
    ///   layout to libhdf5).
    func image(
        of content: HDF5FileContent, build: (HDF5FileContent) throws -> [UInt8],
        buildLocatingValues: (HDF5FileContent) throws -> (image: [UInt8], dataOffsets: [Int?])
    ) throws -> [UInt8] {
        let layout = Layout(content)
        if let known, known.layout == layout {
            guard let patch = known.patch else { return try build(content) }
            patchedImages += 1
            return patch.image(of: content)
        }
        let (image, offsets) = try buildLocatingValues(content)
        let patch =
            image.count <= byteLimit
            ? try? Self.learn(content, image, offsets, buildLocatingValues) : nil
        known = (layout, patch)
        return image
    }

    /// A patch for `content`'s layout, or nil when patching cannot reproduce `image`.
    private static func learn(
        _ content: HDF5FileContent, _ image: [UInt8], _ offsets: [Int?],
        _ build: (HDF5FileContent) throws -> (image: [UInt8], dataOffsets: [Int?])
    ) throws -> Patch? {
        var probe = content
        var count = 0
        func sentinels(_ attributes: inout [(name: String, value: HDF5AttributeValue)]) {
            for index in attributes.indices {
                let pattern = Sentinel.pattern(count)
                switch attributes[index].value {
                case .int64: attributes[index].value = .int64(Int64(bitPattern: pattern))
                case .double: attributes[index].value = .double(Double(bitPattern: pattern))
                case .string: continue
                }
                count += 1
            }
        }
        sentinels(&probe.attributes)
        for index in probe.datasets.indices {
            sentinels(&probe.datasets[index].attributes)
            probe.datasets[index].values = probe.datasets[index].values.complemented
        }
        guard count <= Sentinel.maxCount else { return nil }
        let built = try build(probe)
        guard built.image.count == image.count, built.dataOffsets == offsets else { return nil }
        var dataRanges: [Range<Int>?] = []
        for (dataset, offset) in zip(content.datasets, offsets) {
            let byteCount = dataset.values.withUnsafeBytes(\.count)
            guard let offset else {
                guard byteCount == 0 else { return nil }
                dataRanges.append(nil)
                continue
            }
            guard offset >= 0, byteCount <= image.count - offset else { return nil }
            dataRanges.append(offset..<offset + byteCount)
        }
        let metadata = Self.ranges(of: image.count, outside: dataRanges.compactMap { $0 })
        guard let numberOffsets = Sentinel.find(count, in: built.image, within: metadata) else {
            return nil
        }
        let patch = Patch(
            base: built.image, metadata: metadata, dataRanges: dataRanges,
            numberOffsets: numberOffsets)
        return patch.image(of: content) == image ? patch : nil
    }

    /// The parts of `0..<count` outside `excluded` (which lie within it), in order.
    static func ranges(of count: Int, outside excluded: [Range<Int>]) -> [Range<Int>] {
        var start = 0
        return excluded.sorted { $0.lowerBound < $1.lowerBound }.map { range -> Range<Int> in
            defer { start = max(start, range.upperBound) }
            return start..<max(start, range.lowerBound)
        } + [start..<count]
    }

    /// What a layout is: everything but the dataset values and the numeric attributes' values.
    struct Layout: Equatable {
        enum Attribute: Equatable {
            case number(name: String, isDouble: Bool)
            case string(name: String, text: String)

            init(_ attribute: (name: String, value: HDF5AttributeValue)) {
                switch attribute.value {
                case .int64: self = .number(name: attribute.name, isDouble: false)
                case .double: self = .number(name: attribute.name, isDouble: true)
                case .string(let text): self = .string(name: attribute.name, text: text)
                }
            }
        }

        struct Dataset: Equatable {
            var path: String
            var dtype: HDF5DType
            var shape: [Int]
            var attributes: [Attribute]
        }

        var attributes: [Attribute]
        var datasets: [Dataset]

        init(_ content: HDF5FileContent) {
            attributes = content.attributes.map(Attribute.init)
            datasets = content.datasets.map {
                Dataset(
                    path: $0.path, dtype: $0.values.dtype, shape: $0.values.shape,
                    attributes: $0.attributes.map(Attribute.init))
            }
        }
    }

    /// A layout's bytes with the values cut out: the bytes around the datasets' values
    /// (`metadata`, taken from `base`), and where each dataset's values and each numeric
    /// attribute (in content order: the root's, then each dataset's) go.
    struct Patch {
        var base: [UInt8]
        var metadata: [Range<Int>]
        var dataRanges: [Range<Int>?]
        var numberOffsets: [Int]

        /// `base` with `content`'s values in place (`content` has the template's layout). Only
        /// `metadata` is copied from `base`: the values cover the rest, and copying the whole
        /// file first wrote the values' bytes twice (2.4 MB of the 784-256-10 MLP's 2.5 MB).
        func image(of content: HDF5FileContent) -> [UInt8] {
            [UInt8](unsafeUninitializedCapacity: base.count) { buffer, initialized in
                let bytes = UnsafeMutableRawBufferPointer(buffer)
                base.withUnsafeBytes { base in
                    for range in metadata where !range.isEmpty {
                        UnsafeMutableRawBufferPointer(rebasing: bytes[range]).copyMemory(
                            from: UnsafeRawBufferPointer(rebasing: base[range]))
                    }
                }
                // The layout matched, so there is one offset per numeric attribute.
                var next = 0
                func place(_ attributes: [(name: String, value: HDF5AttributeValue)]) {
                    for (_, value) in attributes {
                        let bits: UInt64
                        switch value {
                        case .int64(let number): bits = UInt64(bitPattern: number)
                        case .double(let number): bits = number.bitPattern
                        case .string: continue
                        }
                        bytes.storeBytes(
                            of: bits.littleEndian, toByteOffset: numberOffsets[next],
                            as: UInt64.self)
                        next += 1
                    }
                }
                place(content.attributes)
                for (dataset, range) in zip(content.datasets, dataRanges) {
                    place(dataset.attributes)
                    guard let range else { continue }
                    dataset.values.withUnsafeBytes { values in
                        UnsafeMutableRawBufferPointer(rebasing: bytes[range]).copyMemory(
                            from: values)
                    }
                }
                initialized = base.count
            }
        }
    }

    /// The probe's stand-in for numeric attribute `index`: eight bytes, little-endian
    /// `3C 5A i0 i1 i2 i3 A5 C3`, which no metadata libhdf5 writes is likely to hold (and
    /// `find` insists each occurs exactly once).
    enum Sentinel {
        static let maxCount = 1 << 32
        static let marker: UInt64 = 0xC3A5_0000_0000_5A3C

        static func pattern(_ index: Int) -> UInt64 { marker | UInt64(index) << 16 }

        /// The offset of each of the `count` sentinels in `image`, searched `within` the given
        /// ranges (those outside the dataset values); nil unless each is found exactly once.
        static func find(_ count: Int, in image: [UInt8], within gaps: [Range<Int>]) -> [Int]? {
            var offsets = [Int?](repeating: nil, count: count)
            for gap in gaps where gap.count >= 8 {
                for offset in gap.lowerBound...(gap.upperBound - 8)
                where image[offset] == 0x3C && image[offset + 1] == 0x5A
                    && image[offset + 6] == 0xA5 && image[offset + 7] == 0xC3
                {
                    let index =
                        Int(image[offset + 2]) | Int(image[offset + 3]) << 8
                        | Int(image[offset + 4]) << 16 | Int(image[offset + 5]) << 24
                    guard index < count, offsets[index] == nil else { return nil }
                    offsets[index] = offset
                }
            }
            let found = offsets.compactMap { $0 }
            return found.count == count ? found : nil
        }
    }
}
