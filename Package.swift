// swift-tools-version: 6.0
import PackageDescription

// Dependencies point down only:
//   garden -> GardenRecipes -> {GardenTrain, GardenExport, GardenModels} -> GardenNN -> GardenTensor -> COpenBLAS
//   GardenTrain -> GardenHDF5 -> {CHDF5, CHDF5Verifier};  GardenExport -> TFProto -> CCRC32C
//   GardenRecipes -> GardenArchive -> CZlib
let package = Package(
    name: "SwiftGarden",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "garden", targets: ["garden"]),
        .executable(name: "garden-bench", targets: ["GardenBench"]),
        // The fuzzing harness (scripts/fuzz; docs/reliability.md).
        .executable(name: "garden-fuzz", targets: ["GardenFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5",
                       providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .target(name: "GardenTensor", dependencies: ["COpenBLAS"]),
        .target(name: "GardenNN", dependencies: ["GardenTensor"]),
        .target(name: "GardenModels", dependencies: ["GardenNN"]),
        // CHDF5Verifier: the process-start hook that makes a re-run of the executable read a
        // file's HDF5 metadata before the process itself lets libhdf5 open it (HDF5Verifier).
        .target(name: "CHDF5Verifier"),
        .target(name: "GardenHDF5", dependencies: ["CHDF5", "CHDF5Verifier"]),
        // Deterministic .tar.gz of a directory (ustar written here, deflate by zlib): garden package.
        .target(name: "GardenArchive", dependencies: ["CZlib"]),
        // SSE 4.2 CRC-32C for TFProto's CRC32C (a C target: Swift has no crc32 intrinsic).
        .target(name: "CCRC32C"),
        .target(name: "TFProto", dependencies: ["CCRC32C", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
                exclude: ["Protos", "README.md"]),
        // The tokenizer normalizes with ICU as tensorflow_text does: the toolchain's ICU
        // (Sources/GardenTrain/Text/ICUNormalizer.swift says why this one).
        .target(name: "GardenTrain", dependencies: ["GardenModels", "GardenHDF5", "TFProto"],
                linkerSettings: [.linkedLibrary("_FoundationICU", .when(platforms: [.linux]))]),
        .target(name: "GardenExport", dependencies: [
            "GardenNN", "TFProto", .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ]),
        .target(name: "GardenRecipes", dependencies: [
            "GardenModels", "GardenTrain", "GardenExport", "GardenHDF5", "GardenArchive",
            .product(name: "Yams", package: "Yams"),
        ]),
        .executableTarget(name: "garden", dependencies: [
            "GardenRecipes",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Benchmarks (scripts/bench): training step, GEMM path and export timings.
        .executableTarget(name: "GardenBench", dependencies: ["GardenRecipes"]),
        // Fuzz targets over every reader of user files, and their driver: libFuzzer in the
        // sanitizer build of scripts/fuzz, a seed writer and replay tool otherwise.
        .target(name: "GardenFuzzTargets", dependencies: ["GardenRecipes", "GardenExport", "GardenTrain", "GardenHDF5"]),
        .executableTarget(name: "GardenFuzz", dependencies: ["GardenFuzzTargets"]),
        .target(name: "GardenTestSupport", dependencies: ["GardenTensor"], path: "Tests/GardenTestSupport"),
        .testTarget(name: "GardenTensorTests", dependencies: ["GardenTensor", "GardenTestSupport"]),
        .testTarget(name: "GardenNNTests", dependencies: ["GardenNN", "GardenModels", "GardenTestSupport"]),
        .testTarget(name: "GardenHDF5Tests", dependencies: ["GardenHDF5"]),
        .testTarget(name: "GardenArchiveTests", dependencies: ["GardenArchive"]),
        .testTarget(name: "GardenExportTests", dependencies: ["GardenExport", "GardenModels", "TFProto", "GardenTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "GardenTrainTests", dependencies: ["GardenTrain", "GardenTestSupport"]),
        .testTarget(name: "GardenRecipesTests", dependencies: ["GardenRecipes", "GardenTestSupport", "GardenFuzzTargets"],
                    resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v5]
)
