import Foundation
import Testing

/// The one-line message of the error `body` throws; records an issue when it throws none.
func errorMessage(_ body: () throws -> Any) -> String? {
    do {
        _ = try body()
        Issue.record("expected an error")
        return nil
    } catch {
        return (error as? LocalizedError)?.errorDescription ?? "\(error)"
    }
}
