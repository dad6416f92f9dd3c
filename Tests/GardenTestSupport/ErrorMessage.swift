import Foundation
import Testing

/// The one-line message of the error `body` throws (what `garden` prints after
/// `garden: error: `); records an issue when it throws none.
///
/// Tests compare it with the whole expected line: the message is the contract with the user.
///
/// - Parameter body: the code expected to throw.
/// - Returns: the error's `LocalizedError` description (its `String(describing:)` for an error
///   without one), or nil when `body` threw nothing.
public func errorMessage(_ body: () throws -> Any) -> String? {
    do {
        _ = try body()
        Issue.record("expected an error")
        return nil
    } catch {
        return (error as? LocalizedError)?.errorDescription ?? "\(error)"
    }
}
