// swift-tools-version: 6.0
import PackageDescription

// Each target lists exactly the modules its sources import (Tests/PackageManifestTests checks
// this), so the dependencies below are the architecture. They point down only:
//   garden, garden-bench -> GardenRecipes -> {GardenTrain, GardenExport, GardenModels, GardenArchive}
//   GardenModels -> GardenNN -> GardenTensor -> {COpenBLAS, CFloatingPoint}
//   GardenModels, GardenNN -> GardenConfig
//   GardenTrain -> {GardenNN, GardenHDF5 -> {CHDF5, CHDF5Verifier}, GardenCRC32C, TFProto}
//   GardenExport -> {GardenTensor, GardenCRC32C -> CCRC32C, TFProto -> SwiftProtobuf}
//   GardenArchive -> CZlib
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
    ],
    targets: [
        // System libraries, found through pkg-config (scripts/setup installs the -dev packages).
        .systemLibrary(
            name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5", providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Tensors, kernels, autodiff and tracing; layers; models.
        // CVectorMath: AVX2/AVX-512 kernels chosen at run time (the Swift kernels are built for
        // baseline x86-64, whose SIMD4 lanes are SSE): exact GELU and batch norm's passes with
        // the Swift lanes' bits, and the direct convolution for few input channels; and the
        // CPU's features, read with CPUID, which BLASKernel checks OpenBLAS's kernel against.
        .target(name: "CFloatingPoint"),
        .target(name: "CVectorMath"),
        .target(
            name: "GardenTensor", dependencies: ["CFloatingPoint", "COpenBLAS", "CVectorMath"]),
        // The recipe-schema vocabulary (keys, types, defaults, docs, typed reading and errors)
        // without YAML, so models declare their own config sections.
        .target(name: "GardenConfig"),
        .target(name: "GardenNN", dependencies: ["GardenConfig", "GardenTensor"]),
        .target(name: "GardenModels", dependencies: ["GardenConfig", "GardenNN", "GardenTensor"]),

        // File formats: HDF5 checkpoints, CRC-32C (SSE 4.2 `crc32` in C: Swift has no crc32
        // intrinsic), TensorFlow's protos (generated, committed), deterministic .tar.gz.
        // CHDF5Verifier: the process-start hook that makes a re-run of the executable read a
        // file with libhdf5 first, in a child that may crash (Sources/GardenHDF5/HDF5Verifier).
        .target(name: "CHDF5Verifier"),
        .target(name: "GardenHDF5", dependencies: ["CHDF5", "CHDF5Verifier"]),
        .target(name: "CCRC32C"),
        .target(name: "GardenCRC32C", dependencies: ["CCRC32C"]),
        .target(
            name: "TFProto",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["Protos", "README.md"]),
        .target(name: "GardenArchive", dependencies: ["CZlib"]),

        // Training and export. The tokenizer normalizes with ICU as tensorflow_text does: the
        // toolchain's ICU (Sources/GardenTrain/Text/ICUNormalizer.swift says why this one).
        .target(
            name: "GardenTrain",
            dependencies: [
                "COpenBLAS", "GardenCRC32C", "GardenHDF5", "GardenNN", "GardenTensor", "TFProto",
            ],
            linkerSettings: [.linkedLibrary("_FoundationICU", .when(platforms: [.linux]))]),
        .target(
            name: "GardenExport",
            dependencies: [
                "GardenCRC32C", "GardenTensor", "TFProto",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]),

        // Recipes (YAML, schema, validation) and the pipeline that runs them.
        .target(
            name: "GardenRecipes",
            dependencies: [
                "GardenArchive", "GardenConfig", "GardenExport", "GardenHDF5", "GardenModels",
                "GardenNN", "GardenTensor", "GardenTrain", "TFProto",
                .product(name: "Yams", package: "Yams"),
            ]),

        // The command line, the benchmarks (scripts/bench) and the fuzzing harness: fuzz targets
        // over every reader of user files, and their driver (libFuzzer in the sanitizer build of
        // scripts/fuzz, a seed writer and replay tool otherwise).
        .executableTarget(
            name: "garden",
            dependencies: [
                "GardenExport", "GardenRecipes", "GardenTrain",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "GardenBench",
            dependencies: [
                "COpenBLAS", "GardenExport", "GardenHDF5", "GardenModels", "GardenNN",
                "GardenRecipes", "GardenTensor", "GardenTrain",
            ]),
        .target(
            name: "GardenFuzzTargets",
            dependencies: ["GardenExport", "GardenHDF5", "GardenRecipes", "GardenTrain"]),
        .executableTarget(name: "GardenFuzz", dependencies: ["GardenFuzzTargets"]),

        // Tests.
        .target(
            name: "GardenTestSupport",
            dependencies: ["GardenModels", "GardenNN", "GardenTensor", "GardenTrain"],
            path: "Tests/GardenTestSupport"),
        .testTarget(name: "PackageManifestTests"),
        .testTarget(
            name: "GardenTensorTests",
            dependencies: ["CVectorMath", "GardenTensor", "GardenTestSupport"]),
        .testTarget(
            name: "GardenNNTests", dependencies: ["GardenNN", "GardenTensor", "GardenTestSupport"]),
        .testTarget(
            name: "GardenModelsTests",
            dependencies: ["GardenModels", "GardenNN", "GardenTensor", "GardenTestSupport"]),
        .testTarget(name: "GardenHDF5Tests", dependencies: ["CHDF5", "GardenHDF5"]),
        .testTarget(name: "GardenCRC32CTests", dependencies: ["GardenCRC32C"]),
        .testTarget(name: "GardenArchiveTests", dependencies: ["GardenArchive"]),
        .testTarget(
            name: "GardenExportTests",
            dependencies: [
                "GardenCRC32C", "GardenExport", "GardenTensor", "TFProto",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            resources: [.copy("Fixtures")]),
        .testTarget(
            name: "GardenTrainTests",
            dependencies: [
                "GardenCRC32C", "GardenHDF5", "GardenNN", "GardenTensor", "GardenTestSupport",
                "GardenTrain", "TFProto",
            ]),
        .testTarget(
            name: "GardenRecipesTests",
            dependencies: [
                "GardenFuzzTargets", "GardenHDF5", "GardenModels", "GardenNN", "GardenRecipes",
                "GardenTensor", "GardenTestSupport", "GardenTrain",
            ],
            resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v5]
)
