import Foundation

/// Which SwiftGarden made an export, for its model card.
///
/// The release version is a constant of the source. The commit cannot be known reliably from
/// inside a SwiftPM build (no build-time hook without a plugin, and a working tree may differ
/// from any commit), so it comes from the environment: `scripts/run` sets `SWIFTGARDEN_COMMIT`
/// to `git rev-parse HEAD` when the working tree is clean. Otherwise the card says
/// "unknown commit". Either way the card is a function of its inputs, never of the time.
public struct BuildInfo: Equatable, Sendable {
    /// SwiftGarden's release version.
    public static let releaseVersion = "0.14.0"
    /// The environment variable holding the commit (40 or fewer lowercase hex digits).
    public static let commitVariable = "SWIFTGARDEN_COMMIT"

    public var version: String
    /// The commit's hex id, or nil when unknown.
    public var commit: String?

    public init(version: String = BuildInfo.releaseVersion, commit: String?) {
        self.version = version; self.commit = commit
    }

    /// The build running now: the release version and `SWIFTGARDEN_COMMIT` when it is a hex
    /// commit id (anything else counts as unknown rather than being copied into the card).
    public static func current(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    )
        -> BuildInfo
    {
        let value = environment[commitVariable] ?? ""
        let isCommit =
            (7...40).contains(value.count) && value.allSatisfy { "0123456789abcdef".contains($0) }
        return BuildInfo(commit: isCommit ? value : nil)
    }

    /// `SwiftGarden 0.14.0, commit abc123...` or `SwiftGarden 0.14.0, unknown commit`.
    public var description: String {
        "SwiftGarden \(version), " + (commit.map { "commit \($0)" } ?? "unknown commit")
    }
}
