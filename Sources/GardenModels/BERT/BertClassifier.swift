// BERT sentence classification: Devlin et al., NAACL 2019, section 4.1, as Model Garden's
// `models.BertClassifier` with its default `use_encoder_pooler=True`: dropout on the
// encoder's pooled output, then a `ClassificationHead` without inner layer (its own dropout at
// the same rate, then the dense `logits` layer).
import GardenNN
import GardenTensor

/// A `BertEncoder` (`encoder/...`, the same tree and paths as inside `BertPretrainer`, so a
/// pre-training checkpoint initialises it) with a classification head on `pooled_output`.
///
/// Inputs: the encoder's three int32 `[batch, seq]` inputs. Output: `logits [batch,
/// num_classes]` (never probabilities). Parameter paths: `encoder/...` (see `BertEncoder`),
/// `classifier/logits/{kernel,bias}` (kernel truncated normal with `initializer_range`, as
/// Model Garden's sentence-prediction task draws it; under `kernel_regularizer`).
public final class BertClassifier: Model {
    public let root: Module
    public let encoder: BertEncoder
    /// Dropout on the pooled output (`BertClassifier`'s own).
    public let pooledDropout: Dropout
    /// The head's dropout (`ClassificationHead.dropout`, same rate).
    public let headDropout: Dropout
    public let logits: Dense
    public let numClasses: Int

    /// - Parameters:
    ///   - config: the encoder's hyperparameters (`vocabSize` set), the class count and the
    ///     head's dropout rate.
    ///   - initializer: draws every initial value, keyed by the final paths.
    public init(_ config: Config, initializer: Initializer) {
        let e = config.encoder
        numClasses = config.numClasses
        root = Module(name: "bert_classifier")
        encoder = BertEncoder(uninitialized: e)
        root.addModule(encoder.root)
        pooledDropout = root.addModule(Dropout(rate: config.classifierDropoutRate))
        let head = root.addModule(Module(name: "classifier"))
        headDropout = head.addModule(Dropout(rate: config.classifierDropoutRate))
        logits = head.addModule(
            Dense(
                name: "logits", inputSize: e.hiddenSize, units: config.numClasses,
                kernelRegularizer: e.kernelRegularizer,
                kernelInitialization: .truncatedNormal(stddev: e.initializerRange)))
        root.initializeParameters(initializer)
    }

    public var signature: Signature {
        Signature(
            inputs: BertEncoder.idInputs(),
            outputs: .leaf(TensorSpec("logits", .float32, Shape([-1, numClasses]))))
    }

    /// Class logits of the encoder's inputs.
    public func call(_ inputs: Nested<Tensor>, _ ctx: ForwardContext) -> Nested<Tensor> {
        let pooled = encoder.call(inputs, ctx)["pooled_output"]
        return .leaf(logits(headDropout(pooledDropout(pooled, ctx), ctx)))
    }
}
