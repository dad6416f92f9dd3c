/// A list-valued entry of a dict output (BERT's `encoder_outputs`, one tensor per layer): the
/// dict key and the flat outputs that are its elements, in list order.
///
/// `tf.nest` flattens a dict by sorted key and a list in order, so the elements sit together
/// at the place of `name` among the sorted keys.
public struct ExportOutputList: Hashable, Sendable {
    public var name: String
    public var elements: [String]

    public init(name: String, elements: [String]) { self.name = name; self.elements = elements }
}
