import Foundation

extension ConfigNode {
    /// Deep-merges `later` over `self`: mappings merge key by key, anything else is replaced.
    ///
    /// Keys keep the place of their first appearance, values and locations come from the
    /// later layer. One exception makes one-of sections behave: when both mappings have a
    /// scalar `type:` and the values differ, the later mapping replaces the earlier one whole,
    /// because the earlier keys belong to another variant (`--set model.type=mul` on an `mlp`
    /// recipe gives a `mul` model with its defaults, not an error about `hidden_sizes`).
    /// - Parameter later: The layer that wins.
    /// - Returns: The merged tree.
    public func merged(with later: ConfigNode) -> ConfigNode {
        guard case var .mapping(entries) = content, case let .mapping(laterEntries) = later.content
        else { return later }
        if let type = self["type"]?.scalar, let laterType = later["type"]?.scalar,
            type.value != laterType.value
        {
            return later
        }
        // Key -> index: one lookup per later key keeps merging long mappings linear.
        var index: [String: Int] = [:]
        for (position, entry) in entries.enumerated() where index[entry.key] == nil {
            index[entry.key] = position
        }
        for entry in laterEntries {
            if let position = index[entry.key] {
                entries[position].value = entries[position].value.merged(with: entry.value)
                entries[position].keyLocation = entry.keyLocation
            } else {
                index[entry.key] = entries.count
                entries.append(entry)
            }
        }
        return ConfigNode(.mapping(entries), at: later.location)
    }

    /// This mapping without `key` (used to take `include:` out of a file before merging).
    /// - Parameter key: The key to drop.
    /// - Returns: The mapping without `key` (this node itself when it is not a mapping).
    public func removing(_ key: String) -> ConfigNode {
        guard let entries else { return self }
        return ConfigNode(.mapping(entries.filter { $0.key != key }), at: location)
    }
}
