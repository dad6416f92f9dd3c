import Foundation
import Yams

/// Writes a tree as block-style YAML: keys in tree order, two-space indents, lists of scalars
/// in flow style (`[32, 32]`). The output depends only on the tree, so the same recipe always
/// gives the same bytes (it is stored in every checkpoint).
public enum ConfigEmitter {
    /// The YAML text of `node`, ending with a newline.
    /// - Parameter node: A mapping node (other nodes are written as a single value).
    /// - Returns: The YAML text.
    public static func emit(_ node: ConfigNode) -> String {
        var lines: [String] = []
        if let entries = node.entries, !entries.isEmpty {
            write(entries, indent: "", into: &lines)
        } else {
            lines.append(inline(node))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func write(_ entries: [ConfigEntry], indent: String, into lines: inout [String])
    {
        for entry in entries {
            let key = quoteIfNeeded(entry.key)
            if let children = entry.value.entries, !children.isEmpty {
                lines.append("\(indent)\(key):")
                write(children, indent: indent + "  ", into: &lines)
            } else if case let .sequence(items) = entry.value.content,
                items.contains(where: { $0.scalar == nil })
            {
                lines.append("\(indent)\(key):")
                for item in items {
                    lines.append("\(indent)  - \(inline(item))")
                }
            } else {
                lines.append("\(indent)\(key): \(inline(entry.value))")
            }
        }
    }

    /// A node on one line, in flow style.
    private static func inline(_ node: ConfigNode) -> String {
        switch node.content {
        case let .scalar(scalar):
            switch scalar.value {
            case let .string(text): return quoteIfNeeded(text)
            default: return scalar.text
            }
        case let .sequence(items):
            return "[" + items.map(inline).joined(separator: ", ") + "]"
        case let .mapping(entries):
            return "{"
                + entries.map { "\(quoteIfNeeded($0.key)): \(inline($0.value))" }
                .joined(separator: ", ") + "}"
        }
    }

    /// A string as a plain scalar when YAML reads it back as the same string, else
    /// double-quoted (so `'300'`, `yes`, `null` and `a: b` survive a round trip).
    static func quoteIfNeeded(_ text: String) -> String {
        let safe = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "_-./ "))
        let plain =
            !text.isEmpty
            && text.unicodeScalars.allSatisfy { safe.contains($0) && $0.isASCII }
            && text.first != " " && text.last != " " && text.first != "-"
            && Resolver.default.resolveTag(of: Node(text)) == .str
        if plain { return text }
        return "\"" + escaped(text) + "\""
    }

    /// `text` with quotes, backslashes and control characters escaped as in a double-quoted
    /// YAML scalar, so it fits on one line (also used to show names in error messages).
    static func escaped(_ text: String) -> String {
        var quoted = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            case "\r": quoted += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    quoted += String(format: "\\x%02X", scalar.value)
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        return quoted
    }
}
