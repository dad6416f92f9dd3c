import GardenModels
import GardenNN
import GardenTensor
import GardenTrain

/// A task whose model maps `inputs` to class logits, trained on int32 labels (MLP and ResNet
/// classification): one loss and one pair of metrics for both.
public protocol ClassifierTask: RecipeTask where Batch == SupervisedBatch {}

extension ClassifierTask {
    public var metricNames: [String] { ["accuracy", "cross_entropy"] }

    /// Mean softmax cross-entropy of the logits against the labels, plus the model's
    /// regularization loss; metrics `cross_entropy` and `accuracy`. In training mode the
    /// forward pass also moves every batch norm's statistics (once per call).
    public func loss(
        _ model: any GardenModels.Model, on batch: SupervisedBatch, _ ctx: ForwardContext
    )
        -> TaskLoss
    {
        let logits = model.call(leaves: [batch.inputs], ctx).single
        let xent = logits.softmaxCrossEntropy(labels: batch.targets).mean()
        return TaskLoss(
            loss: xent + model.root.regularizationLoss(),
            metrics: ["cross_entropy": xent, "accuracy": accuracy(logits, batch.targets)])
    }
}
