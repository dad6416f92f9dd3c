import Foundation
import GardenNN
import GardenTensor
import GardenTrain

/// The trainer's test task, built from GardenNN alone (as the trainer is): a perceptron with one
/// hidden ReLU layer and dropout, classifying Gaussian blobs (`SyntheticData.blobs`).
struct BlobsTask: TrainingTask {
    /// The perceptron: `dense` (ReLU), `dropout`, `logits`.
    final class Classifier {
        let root = Module(name: "classifier")
        let dense: Dense
        let dropout: Dropout
        let logits: Dense

        init(features: Int, hidden: Int, classes: Int, dropoutRate: Float, seed: UInt64) {
            let initializer = Initializer(seed: seed)
            dense = root.addModule(
                Dense(
                    name: "dense", inputSize: features, units: hidden, activation: .relu,
                    kernelRegularizer: .l2(1e-4)))
            dropout = root.addModule(Dropout(rate: dropoutRate))
            logits = root.addModule(
                Dense(
                    name: "logits", inputSize: hidden, units: classes))
            root.initializeParameters(initializer)
        }
    }

    var examples = 256
    var features = 4
    var hidden = 16
    var classes = 3
    var dropoutRate: Float = 0.1
    var batchSize = 32
    var seed: UInt64 = 4

    func buildModel() -> Classifier {
        Classifier(
            features: features, hidden: hidden, classes: classes, dropoutRate: dropoutRate,
            seed: seed)
    }

    func buildInputs() -> InMemoryDataset<SupervisedBatch> {
        let (x, y) = SyntheticData.blobs(
            count: examples, features: features, classes: classes, noise: 0.5, seed: seed)
        return InMemoryDataset(
            SupervisedBatch(inputs: x, targets: y), batchSize: batchSize, seed: seed)
    }

    func parameters(of model: Classifier) -> Module { model.root }

    var metricNames: [String] { ["accuracy", "cross_entropy"] }

    func loss(_ model: Classifier, on batch: SupervisedBatch, _ ctx: ForwardContext) -> TaskLoss {
        let z = model.logits(model.dropout(model.dense(batch.inputs), ctx))
        let xent = z.softmaxCrossEntropy(labels: batch.targets).mean()
        return TaskLoss(
            loss: xent + model.root.regularizationLoss(),
            metrics: ["cross_entropy": xent, "accuracy": accuracy(z, batch.targets)])
    }

    /// A trainer of this task into `dir`, quiet.
    func trainer(
        dir: URL, steps: Int, logEvery: Int = 5, checkpointEvery: Int = 100,
        heldOut: Int = 0, configure: (inout TrainerOptions) -> Void = { _ in }
    ) -> Trainer<BlobsTask> {
        var options = TrainerOptions(
            steps: steps, logEvery: logEvery, checkpointEvery: checkpointEvery, seed: Int(seed),
            learningRate: { _ in 0.01 }, modelDir: dir, recipeYAML: "name: t\n")
        configure(&options)
        let (train, eval) = buildInputs().split(heldOut: heldOut)
        let t = Trainer(
            task: self, model: buildModel(), optimizer: Adam(), data: train, evalData: eval,
            options: options)
        t.log = { _ in }
        return t
    }
}
