import GardenTensor

extension SavedModelAssembler {
    /// Checks what the writer cannot repair: unique variable paths and identities, valid child
    /// and asset names, scalar no-argument regularization losses.
    static func validate(_ spec: SavedModelSpec) throws {
        var paths = Set<String>()
        var identities = Set<ObjectIdentifier>()
        for variable in spec.variables {
            let path = variable.parameter.path
            guard !path.isEmpty else {
                throw ExportError.invalidSpec(
                    "a variable has an empty path; give every Parameter a path")
            }
            guard paths.insert(path).inserted else {
                throw ExportError.invalidSpec(
                    "two variables have the path '\(path)'; paths must be unique")
            }
            guard identities.insert(ObjectIdentifier(variable.parameter)).inserted else {
                throw ExportError.invalidSpec("variable '\(path)' is listed twice")
            }
            guard !variable.parameter.value.isSymbolic else {
                throw ExportError.invalidSpec(
                    "variable '\(path)' holds a symbolic tensor, not a value")
            }
        }
        for (i, loss) in spec.regularizationLosses.enumerated() {
            guard loss.arguments.isEmpty, loss.outputs.count == 1,
                loss.outputs[0].shape == Shape([]) || loss.outputs[0].shape == .unknownRank
            else {
                throw ExportError.invalidSpec(
                    "regularization loss \(i) must take no arguments and return one scalar; it takes "
                        + "\(loss.arguments.map(\.name)) and returns "
                        + "\(loss.outputs.map { "\($0.name) \($0.shape)" })")
            }
        }
        var rootNames = SavedModelSpec.reservedRootNames
        for child in spec.children {
            try checkName(child.name, what: "child object")
            guard rootNames.insert(child.name).inserted else {
                throw ExportError.invalidSpec(
                    "child object name '\(child.name)' is reserved or used twice; reserved: "
                        + "\(SavedModelSpec.reservedRootNames.sorted())")
            }
            for name in child.variables.keys {
                try checkName(name, what: "variable reference of child '\(child.name)'")
                if name == "__call__" {
                    throw ExportError.invalidSpec(
                        "child '\(child.name)' cannot name a variable __call__")
                }
            }
        }
        var filenames = Set<String>()
        for asset in spec.assets {
            try checkName(asset.name, what: "asset")
            guard rootNames.insert(asset.name).inserted else {
                throw ExportError.invalidSpec(
                    "asset name '\(asset.name)' is reserved or used twice")
            }
            guard !asset.filename.isEmpty, !asset.filename.contains("/"), asset.filename != ".",
                asset.filename != "..", filenames.insert(asset.filename).inserted
            else {
                throw ExportError.invalidSpec(
                    "asset file name '\(asset.filename)' must be a unique plain file name (no '/')")
            }
        }
        if let key = spec.servingSignatureKey {
            try checkName(key, what: "signature key")
        }
    }

    static func checkName(_ name: String, what: String) throws {
        guard !name.isEmpty, !name.contains("/") else {
            throw ExportError.invalidSpec(
                "\(what) name '\(name)' must be non-empty and contain no '/'")
        }
    }
}
