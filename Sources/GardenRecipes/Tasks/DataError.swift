import Foundation

/// Training data that does not fit the model. Messages name the file and dataset.
public enum DataError: Error, LocalizedError {
    case wrongType(file: String, dataset: String, found: String, expected: String)
    case wrongShape(file: String, dataset: String, found: [Int], expected: String)
    case badLabel(file: String, dataset: String, label: Int, classes: Int)
    case tooFewRows(file: String, dataset: String, rows: Int, expected: String)
    /// Data that has the right type and shape but cannot train (e.g. a vocabulary of only
    /// special tokens).
    case unusable(file: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case let .wrongType(f, d, found, expected):
            return "\(f): dataset '\(d)' has dtype \(found), expected \(expected)"
        case let .wrongShape(f, d, found, expected):
            return "\(f): dataset '\(d)' has shape \(found), expected \(expected)"
        case let .badLabel(f, d, l, c):
            return "\(f): dataset '\(d)' has label \(l), expected 0..<\(c) (model.num_classes)"
        case let .tooFewRows(f, d, rows, expected):
            return "\(f): dataset '\(d)' has \(rows) rows, expected \(expected)"
        case let .unusable(f, reason): return "\(f): \(reason)"
        }
    }
}
