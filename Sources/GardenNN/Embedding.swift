import GardenTensor

/// A lookup table of learned vectors, as Keras' `Embedding` (and Model Garden's
/// `OnDeviceEmbedding`).
///
/// Input shape: int32 ids of any shape `I` (values in `0..<vocabSize`). Output shape:
/// `I + [width]`. Parameters: `embeddings [vocabSize, width]` (truncated normal).
public final class Embedding: Module {
    public let embeddings: Parameter

    /// - Parameters:
    ///   - name: the local name.
    ///   - vocabSize: rows of the table.
    ///   - width: columns of the table.
    ///   - stddev: standard deviation of the truncated-normal initial values.
    public init(name: String, vocabSize: Int, width: Int, stddev: Float) {
        embeddings = Module.parameter([vocabSize, width])
        super.init(name: name)
        addParameter("embeddings", embeddings, initialization: .truncatedNormal(stddev: stddev))
    }

    /// The rows of the table at `ids`.
    public func callAsFunction(_ ids: Tensor) -> Tensor { embeddings.read().gather(ids) }
}
