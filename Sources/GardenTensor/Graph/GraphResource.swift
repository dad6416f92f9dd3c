/// A captured object of an exported model that is not a variable: a lookup table (read through
/// a `DT_RESOURCE` handle) or an asset (read as its `DT_STRING` path).
///
/// A traced function that uses one gets a trailing argument for it, after the variables' resource
/// arguments, and the exporter binds that argument to the object's node in the SavedModel, as
/// TensorFlow binds a `tf.lookup.StaticHashTable` or a `tf.saved_model.Asset` a function
/// captures. Identity matters: two captures of the same object share one argument.
public final class GraphResource: @unchecked Sendable {
    /// The object's attribute name under the export's root (`vocab_table`, `vocab_file`).
    public let name: String
    /// How functions receive it: `.resource` for a table, `.tensor(.string)` for an asset path.
    public let argumentType: GraphArgType

    public init(name: String, argumentType: GraphArgType) {
        self.name = name; self.argumentType = argumentType
    }
}
