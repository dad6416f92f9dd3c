import Foundation

/// Errors of looking up a layer of a `LayerGraph` by name.
public enum LayerGraphError: Error, Equatable, LocalizedError {
    /// `name` is not a layer of the model `model`; `validNames` are, in order.
    case unknownLayer(name: String, model: String, validNames: [String])

    public var errorDescription: String? {
        switch self {
        case .unknownLayer(let name, let model, let validNames):
            return "No layer named \"\(name)\" in model \"\(model)\". Valid layer names: "
                + validNames.joined(separator: ", ") + "."
        }
    }
}
