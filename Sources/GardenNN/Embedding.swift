import GardenTensor

/// A lookup table of learned vectors, as Keras' `Embedding` (and Model Garden's
/// `OnDeviceEmbedding`).
///
/// Input shape: int32 ids of any shape `I` (values in `0..<vocabSize`). Output shape:
/// `I + [width]`. Parameters: `embeddings [vocabSize, width]` (truncated normal).
public final class Embedding: Module {
    public let embeddings: Parameter

    /// - Parameters:
    ///   - name: the local name (`word_embeddings`).
    ///   - scope: the path of the parent, keying the initial values.
    ///   - vocabSize: the number of rows (ids `0..<vocabSize`).
    ///   - width: the length of each row.
    ///   - stddev: standard deviation of the truncated-normal initial values.
    ///   - initializer: the seeded generator the table is drawn from.
    public init(
        name: String, scope: String = "", vocabSize: Int, width: Int, stddev: Float,
        initializer: Initializer
    ) {
        embeddings = Parameter(
            initializer.truncatedNormal(
                [vocabSize, width], stddev: stddev, stream: joinedPath(scope, name) + "/embeddings")
        )
        super.init(name: name)
        addSharedParameter("embeddings", embeddings)
    }

    /// The rows of the table at `ids`.
    public func callAsFunction(_ ids: Tensor) -> Tensor { embeddings.read().gather(ids) }
}
