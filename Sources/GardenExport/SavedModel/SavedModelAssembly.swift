import TFProto

/// An export in memory, before any file is written: the `saved_model.pb` message, the
/// variables bundle and the asset files.
public struct SavedModelAssembly {
    /// The `SavedModel` message (one MetaGraphDef).
    public var savedModel: Tensorflow_SavedModel
    /// `variables/variables.{index,data-00000-of-00001}`.
    public var bundle: TensorBundleWriter
    /// Files for `assets/`.
    public var assets: [ExportedAsset]
    /// Files for `assets.extra/` (not referenced by the graph).
    public var extraFiles: [ExportedAsset] = []
    /// Each exported variable's checkpoint key, in `SavedModelSpec.variables` order.
    public var checkpointKeys: [String]
}
