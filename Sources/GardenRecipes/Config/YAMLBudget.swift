import CYaml
import Foundation

/// The bounds every YAML text must keep before it is composed into a tree.
///
/// Yams composes recursively (one stack frame chain per nesting level) and expands aliases into
/// shared subtrees that `ConfigParser.convert` would copy out in full, so a few kilobytes of
/// hostile YAML could overflow the stack or ask for gigabytes ("billion laughs"). The check
/// runs libyaml's event parser first: it is iterative (its own heap stack), so it reads any
/// nesting safely, and it sees every alias before anything is expanded.
/// docs/reliability.md gives the reasons for each limit.
public enum YAMLBudget {
    /// The deepest nesting of mappings and lists. The deepest recipe key is four levels
    /// (`train.optimizer.learning_rate.decay`); 64 leaves room for any hand-written YAML and
    /// keeps the recursive composer far from the 8 MB main-thread stack (about 2 KB a level).
    public static let maxDepth = 64
    /// The most nodes a document may hold once every alias is expanded. A full recipe has
    /// about 80; 100,000 covers long lists while converting in milliseconds.
    public static let maxNodes = 100_000
    /// The largest recipe or included file, in bytes (the shipped recipes are about 2 KB).
    public static let maxFileBytes = 1 << 20
    /// The longest `--set` argument, in bytes.
    public static let maxOverrideBytes = 64 << 10
    /// The most distinct files one recipe may include, directly or not.
    public static let maxIncludedFiles = 256

    /// Why a text broke the budget; `nil` when it kept it. Syntax errors are left for the
    /// composer, which reports them with their position.
    /// - Parameter yaml: The YAML text.
    /// - Returns: A reason such as "nesting deeper than 64 levels at line 3".
    static func violation(in yaml: String) -> (reason: String, line: Int)? {
        var utf8 = Array(yaml.utf8)
        return utf8.withUnsafeMutableBufferPointer { buffer in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return nil }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var walk = Walk()
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return nil
                case YAML_SCALAR_EVENT:
                    walk.leaf(anchor: name(event.data.scalar.anchor))
                case YAML_ALIAS_EVENT:
                    walk.alias(name(event.data.alias.anchor))
                case YAML_SEQUENCE_START_EVENT:
                    walk.open(anchor: name(event.data.sequence_start.anchor))
                case YAML_MAPPING_START_EVENT:
                    walk.open(anchor: name(event.data.mapping_start.anchor))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    walk.close()
                case YAML_DOCUMENT_START_EVENT:
                    walk = Walk()
                default:
                    break
                }
                if walk.open.count > maxDepth {
                    return ("nesting deeper than \(maxDepth) levels", line)
                }
                if walk.nodes > maxNodes {
                    return ("more than \(maxNodes) nodes once aliases are expanded", line)
                }
            }
        }
    }

    private static func name(_ anchor: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        anchor.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
    }

    /// Node counts of one document: every node counts once where it is written, and an alias
    /// counts the nodes of its anchor again (what composing and converting it will cost).
    private struct Walk {
        var nodes = 0
        var open: [(anchor: String?, start: Int)] = []
        var anchorSizes: [String: Int] = [:]

        mutating func leaf(anchor: String?) {
            nodes += 1
            if let anchor { anchorSizes[anchor] = 1 }
        }

        mutating func alias(_ anchor: String?) {
            // An unknown anchor is the composer's error; count it as one node meanwhile.
            nodes += anchor.flatMap { anchorSizes[$0] } ?? 1
        }

        mutating func open(anchor: String?) {
            nodes += 1
            open.append((anchor, nodes - 1))
        }

        mutating func close() {
            guard let (anchor, start) = open.popLast() else { return }
            if let anchor { anchorSizes[anchor] = nodes - start }
        }
    }
}
