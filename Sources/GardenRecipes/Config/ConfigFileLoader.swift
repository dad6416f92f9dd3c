import Foundation
import GardenTrain

/// Reads YAML files and expands their `include:` lists into one merged tree.
///
/// `include:` takes a file name or a list of them. Each name is looked up first in the nearest
/// `Configs/` folder found by walking up from the including file's folder (so recipes in
/// `Recipes/` share fragments in the repository's `Configs/`), then beside the including file.
/// The included trees merge in order (later wins, mappings merge deeply), then the file's own
/// keys merge over them. Included files may include others; a cycle is an error.
public struct ConfigFileLoader {
    /// The key that lists the files to include.
    public static let includeKey = "include"
    /// The folder name searched for upward from a recipe.
    public static let configsFolder = "Configs"

    /// Paths under this folder are shown relative to it in messages.
    public var currentDirectory: URL

    /// Creates a loader.
    /// - Parameter currentDirectory: The folder that relative paths and messages start from.
    public init(
        currentDirectory: URL = URL(
            fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    ) {
        self.currentDirectory = currentDirectory.standardizedFileURL
    }

    /// Reads `path` and expands its includes.
    /// - Parameter path: The file, as the user named it (shown in messages as given).
    /// - Returns: The merged tree (a mapping).
    /// - Throws: ``RecipeError`` naming the file (and line) that cannot be read or parsed, or
    ///   the include that is missing or circular.
    public func load(path: String) throws -> ConfigNode {
        let url = URL(fileURLWithPath: path, relativeTo: currentDirectory).standardizedFileURL
        return try load(url: url, name: path, stack: [], session: Session())
    }

    /// Expands the includes of YAML text that did not come from a file.
    /// - Parameters:
    ///   - yaml: The YAML text.
    ///   - sourceName: How messages name the text.
    ///   - directory: The folder a relative `sourceName` lies in; includes are looked up as if
    ///     the text were that file.
    /// - Returns: The merged tree (a mapping).
    /// - Throws: ``RecipeError`` naming the text or the included file (and line) at fault.
    public func load(yaml: String, sourceName: String, directory: URL) throws -> ConfigNode {
        let url = URL(fileURLWithPath: sourceName, relativeTo: directory).standardizedFileURL
        return try expand(yaml, url: url, name: sourceName, stack: [], session: Session())
    }

    /// What one load has read: each file's expanded tree, so an include diamond reads and
    /// expands every file once (not once per path to it).
    private final class Session {
        var expanded: [String: ConfigNode] = [:]
    }

    private func load(
        url: URL, name: String, stack: [(url: URL, name: String)], session: Session
    ) throws -> ConfigNode {
        if let tree = session.expanded[url.path] { return tree }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory),
            !isDirectory.boolValue
        else {
            throw RecipeError.fileNotFound(path: name)
        }
        let data = try read(url, name: name)
        guard let yaml = String(data: data, encoding: .utf8) else {
            throw RecipeError.unreadableFile(path: name, reason: "not UTF-8 text")
        }
        let tree = try expand(yaml, url: url, name: name, stack: stack, session: session)
        session.expanded[url.path] = tree
        return tree
    }

    /// The bytes of a file of at most `YAMLBudget.maxFileBytes` (`TextFile`: a device or a
    /// growing file cannot make the read unbounded).
    private func read(_ url: URL, name: String) throws -> Data {
        do {
            return try TextFile.contents(of: url.path, limit: YAMLBudget.maxFileBytes)
        } catch TextFile.Failure.tooLarge(let limit) {
            throw RecipeError.limitExceeded(
                location: ConfigLocation(.file(name)),
                reason: "the file is larger than \(limit) bytes, the limit for a recipe")
        } catch TextFile.Failure.unreadable(let reason) {
            throw RecipeError.unreadableFile(path: name, reason: reason)
        }
    }

    private func expand(
        _ yaml: String, url: URL, name: String,
        stack: [(url: URL, name: String)], session: Session
    ) throws -> ConfigNode {
        let source = ConfigSource.file(name)
        var tree = try ConfigParser.parse(yaml, source: source)
        if tree.isNull { tree = .emptyMapping(at: tree.location) }
        guard tree.entries != nil else {
            throw RecipeError.notAMapping(location: tree.location, found: tree.foundDescription)
        }
        let stack = stack + [(url, name)]
        var merged = ConfigNode.emptyMapping(at: ConfigLocation(source, line: 1))
        for (include, location) in try includes(of: tree) {
            let (includeURL, includeName) = try locate(include, from: url, at: location)
            if stack.contains(where: { $0.url.path == includeURL.path }) {
                throw RecipeError.includeCycle(
                    location: location,
                    chain: stack.map(\.name) + [includeName])
            }
            if session.expanded[includeURL.path] == nil,
                session.expanded.count >= YAMLBudget.maxIncludedFiles
            {
                throw RecipeError.limitExceeded(
                    location: location,
                    reason: "more than \(YAMLBudget.maxIncludedFiles) included files")
            }
            let included = try load(
                url: includeURL, name: includeName, stack: stack, session: session)
            merged = merged.merged(with: included)
        }
        return merged.merged(with: tree.removing(Self.includeKey))
    }

    /// The names listed under `include:` with where each was written.
    private func includes(of tree: ConfigNode) throws -> [(String, ConfigLocation)] {
        guard let node = tree[Self.includeKey], !node.isNull else { return [] }
        let items: [ConfigNode]
        switch node.content {
        case .scalar: items = [node]
        case let .sequence(list): items = list
        case .mapping: items = [node]
        }
        return try items.map { item in
            guard let scalar = item.scalar, scalar.value != .null else {
                throw RecipeError.typeMismatch(
                    location: item.location, path: Self.includeKey,
                    expected: "a file name or a list of file names", found: item.foundDescription)
            }
            return (scalar.text, item.location)
        }
    }

    /// Finds an included file: the nearest `Configs/` upward first, then beside the includer.
    private func locate(
        _ include: String, from url: URL, at location: ConfigLocation
    ) throws
        -> (URL, String)
    {
        let directory = url.deletingLastPathComponent()
        var candidates: [URL] = []
        if include.hasPrefix("/") {
            candidates = [URL(fileURLWithPath: include)]
        } else {
            if let configs = nearestConfigsFolder(from: directory) {
                candidates.append(configs.appendingPathComponent(include).standardizedFileURL)
            }
            candidates.append(directory.appendingPathComponent(include).standardizedFileURL)
        }
        if let found = candidates.first(where: {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0.path, isDirectory: &isDirectory)
                && !isDirectory.boolValue
        }) {
            return (found, display(found))
        }
        throw RecipeError.includeNotFound(
            location: location, include: include,
            searched: candidates.map(display))
    }

    private func nearestConfigsFolder(from directory: URL) -> URL? {
        var current = directory.standardizedFileURL
        while true {
            let candidate = current.appendingPathComponent(Self.configsFolder, isDirectory: true)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory),
                isDirectory.boolValue
            {
                return candidate
            }
            let parent = current.deletingLastPathComponent().standardizedFileURL
            if parent.path == current.path { return nil }
            current = parent
        }
    }

    /// A path relative to the current directory when it lies below it, else absolute.
    func display(_ url: URL) -> String {
        let base =
            currentDirectory.path.hasSuffix("/")
            ? currentDirectory.path
            : currentDirectory.path + "/"
        let path = url.standardizedFileURL.path
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }
}
