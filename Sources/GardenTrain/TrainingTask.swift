import GardenNN
import GardenTensor

/// What a training run optimizes, for one model family: the model, its examples, and the loss
/// and metrics of a batch (Model Garden's `base_task.Task`: `build_model`, `build_inputs`,
/// `build_losses`, `build_metrics`).
///
/// The trainer knows models only through this protocol: it asks the task for the parameter
/// tree to update and checkpoint, and for the loss to differentiate. Each task says what its
/// batch holds (`Batch`), so a loss reads named fields, not tensors looked up by key.
public protocol TrainingTask {
    /// The model the task trains.
    associatedtype Model
    /// A batch of examples in the layout `loss` reads.
    associatedtype Batch: ExampleBatch

    /// The model with its initial values.
    func buildModel() -> Model
    /// Every example the task trains and evaluates on (the caller splits off evaluation).
    func buildInputs() throws -> InMemoryDataset<Batch>
    /// The parameter tree of `model`: what the optimizer updates and a checkpoint stores.
    func parameters(of model: Model) -> Module
    /// The names of the metrics `loss` reports besides the loss, sorted.
    var metricNames: [String] { get }
    /// The objective on `batch` (data loss plus the model's regularization loss) and the
    /// metrics of the same forward pass.
    func loss(_ model: Model, on batch: Batch, _ ctx: ForwardContext) -> TaskLoss
    /// The evaluation metrics that are not means of per-batch values (per-class F1), from
    /// `TaskLoss.counts` summed over the whole held-out split.
    func metrics(fromCounts counts: [String: Double]) -> [String: Float]
}

extension TrainingTask {
    /// No metric from counts.
    public func metrics(fromCounts counts: [String: Double]) -> [String: Float] { [:] }
}

/// A task's objective on one batch, and its named metrics (plain values: a metric is never
/// differentiated).
public struct TaskLoss {
    public var loss: Tensor
    public var metrics: [String: Tensor]
    /// Sums over the batch's rows (true positives of a class, ...) that evaluation adds up over
    /// the held-out split for `TrainingTask.metrics(fromCounts:)`.
    public var counts: [String: Double]

    public init(loss: Tensor, metrics: [String: Tensor], counts: [String: Double] = [:]) {
        self.loss = loss; self.metrics = metrics; self.counts = counts
    }
}
