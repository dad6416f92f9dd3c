import Foundation

/// A wrong `garden-bench` command line; the message is printed with the usage text.
enum BenchError: Error, LocalizedError {
    case usage(String)

    var errorDescription: String? {
        switch self {
        case .usage(let m): return m
        }
    }
}
