import Foundation
import Testing

/// Package.swift is the architecture: each target must list exactly the modules its sources
/// import, no more (a dependency nobody uses hides the real layering) and no fewer (a module
/// reached only through another target's dependency breaks when that target changes).
@Suite struct ManifestImportTests {
    /// Modules every target may import without declaring them: the toolchain's own.
    static let toolchainModules: Set<String> = [
        "Foundation", "FoundationEssentials", "Glibc", "Dispatch", "Synchronization", "Testing",
        "XCTest",
        "PackageDescription",
        // ICU as Foundation ships it; GardenTrain links it by linkerSettings (the tokenizer).
        "_FoundationICU",
        // Clang's x86 intrinsics (SSE's `sqrtps`), as the compiler ships them.
        "_Builtin_intrinsics.intel",
    ]

    /// The modules a package product brings: its targets that sources may import.
    static let productModules: [String: Set<String>] = [
        "ArgumentParser": ["ArgumentParser"],
        "SwiftProtobuf": ["SwiftProtobuf"],
        // YAMLBudget drives libyaml's parser directly to bound nesting and aliases.
        "Yams": ["Yams", "CYaml"],
    ]

    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Target {
        var name: String
        var directory: URL
        /// Each declared dependency as the modules it provides (one, or a product's several).
        var declared: [Set<String>]
    }

    /// The targets of Package.swift as SwiftPM itself reads them (`swift package dump-package`,
    /// with its own scratch path so it does not wait for the lock of the running test's build).
    static func manifestTargets() throws -> [Target] {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("swiftgarden-manifest-\(getpid())")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "swift", "package", "--package-path", repository.path, "--scratch-path", scratch.path,
            "dump-package",
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "swift package dump-package failed")

        let package = try JSONDecoder().decode(DumpedPackage.self, from: data)
        return package.targets.filter { $0.type != "system" }.map { target in
            let folder = target.type == "test" ? "Tests" : "Sources"
            let directory = repository.appendingPathComponent(
                target.path ?? "\(folder)/\(target.name)")
            let declared = target.dependencies.compactMap { dependency -> Set<String>? in
                if let name = (dependency.byName ?? dependency.target)?.first ?? nil {
                    return [name]
                }
                guard let product = dependency.product?.first ?? nil else { return nil }
                return productModules[product] ?? [product]
            }
            return Target(name: target.name, directory: directory, declared: declared)
        }
    }

    /// The modules the Swift sources under `directory` import.
    static func imports(under directory: URL) throws -> Set<String> {
        var modules = Set<String>()
        let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)
        while let file = files?.nextObject() as? URL {
            guard file.pathExtension == "swift" else { continue }
            for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
                var words = line.split(separator: " ")
                // `@testable import X`, `@_exported import X`.
                while words.first?.hasPrefix("@") == true { words.removeFirst() }
                guard words.count == 2, words[0] == "import" else { continue }
                modules.insert(String(words[1]))
            }
        }
        return modules.subtracting(toolchainModules)
    }

    @Test func everyTargetDeclaresExactlyWhatItImports() throws {
        let targets = try Self.manifestTargets()
        #expect(targets.count > 10, "dump-package listed \(targets.count) targets")
        for target in targets {
            let imported = try Self.imports(under: target.directory)
            let undeclared = imported.subtracting(target.declared.joined()).sorted()
            // A product counts as used when any of its modules is imported.
            let unused = target.declared.filter { $0.isDisjoint(with: imported) }.map {
                $0.sorted()
            }
            #expect(
                undeclared.isEmpty, "\(target.name) imports \(undeclared) without declaring them")
            #expect(unused.isEmpty, "\(target.name) declares \(unused) but imports none of them")
        }
    }
}

/// The parts of `swift package dump-package`'s JSON this test reads.
struct DumpedPackage: Decodable {
    struct Target: Decodable {
        var name: String
        var type: String
        var path: String?
        var dependencies: [Dependency]
    }

    /// One dependency: `{"byName": [name, condition]}`, `{"target": [...]}` or
    /// `{"product": [name, package, moduleAliases, condition]}`; the first element is the name.
    struct Dependency: Decodable {
        var byName: [String?]?
        var target: [String?]?
        var product: [String?]?

        enum CodingKeys: String, CodingKey { case byName, target, product }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            byName = try Self.names(container, .byName)
            target = try Self.names(container, .target)
            product = try Self.names(container, .product)
        }

        /// The string elements of the array under `key` (other elements become nil).
        static func names(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys)
            throws -> [String?]?
        {
            guard container.contains(key) else { return nil }
            var array = try container.nestedUnkeyedContainer(forKey: key)
            var names: [String?] = []
            while !array.isAtEnd {
                if try array.decodeNil() {
                    names.append(nil)
                } else if let name = try? array.decode(String.self) {
                    names.append(name)
                } else {
                    _ = try array.decode(AnyJSON.self)
                    names.append(nil)
                }
            }
            return names
        }
    }

    var targets: [Target]
}

/// Any JSON value, decoded only to step over it.
struct AnyJSON: Decodable {
    init(from decoder: Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            while !array.isAtEnd { _ = try array.decode(AnyJSON.self) }
        } else if let object = try? decoder.container(keyedBy: AnyKey.self) {
            for key in object.allKeys { _ = try object.decode(AnyJSON.self, forKey: key) }
        } else {
            _ = try decoder.singleValueContainer()
        }
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { self.intValue = intValue; self.stringValue = "\(intValue)" }
    }
}
