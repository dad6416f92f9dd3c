import Foundation
import Testing

/// docs/architecture.md embeds a table of the primitives generated from their sources: one row
/// per primitive type in `Sources/GardenTensor/Primitives`, with its file, what its vjp is made
/// of and the TensorFlow ops it lowers to. Adding or changing a primitive without updating the
/// docs fails here; `RECORD_SNAPSHOTS=1 swift test` rewrites the block and fails once so the
/// diff gets reviewed.
@Suite struct PrimitiveTableTests {
    static let begin =
        "<!-- BEGIN PRIMITIVES (generated from the sources by PrimitiveTableTests) -->\n"
    static let end = "<!-- END PRIMITIVES -->"

    static let repository = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let primitivesFolder = "Sources/GardenTensor/Primitives"

    /// The protocols a primitive type conforms to (the sub-protocols supply a shared `lower`).
    static let primitiveProtocols: Set<String> = [
        "Primitive", "ElementwiseUnary", "ElementwiseBinary", "Pool2D",
    ]

    struct Row {
        var type: String
        var file: String
        var vjp: String
        var lowering: String
    }

    /// Every `struct Name: <primitive protocol>` of the folder, read from its source text.
    static func rows() throws -> [Row] {
        let folder = repository.appendingPathComponent(primitivesFolder)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".swift") }.sorted()
        var rows: [Row] = []
        for file in files {
            let source = try String(
                contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for (type, body) in structs(in: source) {
                rows.append(
                    Row(
                        type: type, file: file, vjp: vjpSummary(body),
                        lowering: loweringSummary(body, source: source)))
            }
        }
        return rows
    }

    /// The top-level primitive structs of a file and their bodies (a body ends at the first
    /// closing brace in column 0, which `swift format` guarantees).
    static func structs(in source: String) -> [(String, Substring)] {
        let pattern = #/(?m)^struct (\w+): (\w+) \{\n((?:.*\n)*?)\}$/#
        return source.matches(of: pattern).compactMap { match in
            primitiveProtocols.contains(String(match.2)) ? (String(match.1), match.3) : nil
        }
    }

    /// The bodies of every `func name(...)` inside `body` (a vjp may have a second overload, the
    /// one taking `needed:`): a one-line function's, or up to the closing brace at the
    /// function's indentation; empty when there is none.
    static func function(_ name: String, in body: Substring) -> Substring {
        // The name is one of two literals below, so the patterns always compile.
        guard let oneLine = try? Regex("(?m)^    func \(name)\\(.*\\{ (.*) \\}$"),
            let block = try? Regex("(?m)^    func \(name)\\(.*[^}\\n]\\n((?:.*\\n)*?)    \\}$")
        else { return "" }
        let bodies = (body.matches(of: oneLine) + body.matches(of: block)).compactMap {
            $0.output[1].substring
        }
        return Substring(bodies.joined(separator: "\n"))
    }

    /// What the vjp is written with: a fused kernel (it reads the raw values, or runs an element
    /// function over them with `mapElements`), or the primitives it applies (the `Tensor`
    /// methods it calls, and `apply(Primitive(...))`).
    static func vjpSummary(_ body: Substring) -> String {
        let vjp = function("vjp", in: body)
        if vjp.isEmpty { return "(protocol default)" }
        if vjp.contains(".floats") || vjp.contains(".mapElements(") { return "fused kernel" }
        var used = Set(vjp.matches(of: #/\.(\w+)\(/#).map { String($0.1) })
        used.formUnion(vjp.matches(of: #/apply\((\w+)\(/#).map { String($0.1) })
        used.subtract(["map", "init", "reduce", "contains", "enumerated", "dropLast"])
        return used.isEmpty ? "arithmetic" : used.sorted().map { "`\($0)`" }.joined(separator: ", ")
    }

    /// The TensorFlow ops `lower` emits: the `tfOp` of an element-wise primitive, the op names
    /// passed to `addNode`, or the composite a fused primitive lowers as.
    static func loweringSummary(_ body: Substring, source: String) -> String {
        var ops: [String] = []
        if let op = body.firstMatch(of: #/var tfOp: String \{ "(\w+)" \}/#) {
            ops.append(String(op.1))
        }
        let lower = function("lower", in: body)
        for match in lower.matches(of: #/addNode\(\s*"(\w+)"/#) where !ops.contains(String(match.1))
        {
            ops.append(String(match.1))
        }
        if let composite = lower.firstMatch(
            of: #/lowerAsComposite\([^)]*\)\s*\{\s*\$0\[0\]\.(\w+)\(/#)
        {
            ops.append("as `\(composite.1)`")
        }
        // Another primitive's lowering after its own ops (batch norm's fused ReLU).
        for match in lower.matches(of: #/(\w+)\(\)\.lower\(/#) {
            ops.append("`\(match.1)`'s")
        }
        if ops.isEmpty && lower.isEmpty { return "(protocol default)" }
        return ops.isEmpty
            ? "(see file)"
            : ops.map { $0.hasPrefix("as ") || $0.hasPrefix("`") ? $0 : "`\($0)`" }
                .joined(separator: ", ")
    }

    static func markdown(_ rows: [Row]) -> String {
        var lines = [
            "| primitive | file | vjp | TensorFlow ops |",
            "| --- | --- | --- | --- |",
        ]
        for row in rows {
            lines.append(
                "| `\(row.type)` | `Primitives/\(row.file)` | \(row.vjp) | \(row.lowering) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func docsListEveryPrimitive() throws {
        let url = Self.repository.appendingPathComponent("docs/architecture.md")
        let docs = try String(contentsOf: url, encoding: .utf8)
        guard let start = docs.range(of: Self.begin), let stop = docs.range(of: Self.end) else {
            Issue.record("docs/architecture.md has no primitive table markers")
            return
        }
        let generated = Self.markdown(try Self.rows())
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            let updated = docs.replacingCharacters(
                in: start.upperBound..<stop.lowerBound, with: generated)
            try updated.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("recorded the primitive table in docs/architecture.md; review the diff")
            return
        }
        #expect(String(docs[start.upperBound..<stop.lowerBound]) == generated)
    }

    /// The reader finds the primitives it must: a literal check against files whose content is
    /// known, so a broken pattern cannot make the table silently empty.
    @Test func theTableHasKnownRows() throws {
        let rows = try Self.rows()
        #expect(rows.count >= 40)
        let byType = Dictionary(rows.map { ($0.type, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byType["MatMul"]?.lowering == "`MatMul`")
        #expect(byType["MatMul"]?.vjp == "`matmul`")
        #expect(byType["Relu"]?.lowering == "`Relu`")
        #expect(byType["Relu"]?.vjp == "fused kernel")
        #expect(byType["Abs"]?.vjp == "`sign`")
        #expect(byType["LayerNorm"]?.vjp == "fused kernel")
        #expect(byType["Gelu"]?.lowering == "as `geluComposite`")
        #expect(byType["BatchNorm"]?.lowering == "`FusedBatchNormV3`, `Relu`'s")
    }
}
