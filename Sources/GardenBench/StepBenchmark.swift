import Foundation
import GardenModels
import GardenNN
import GardenRecipes
import GardenTensor
import GardenTrain

/// `garden-bench step RECIPE [--set k=v]... [--steps N] [--warmup W]`: times the training step
/// of a recipe, built exactly as `garden train` builds it (the recipe's task builds the data
/// and the model; `OptimizerFactory`, the recipe's thread count), and prints one JSON line.
///
/// The timed step is the trainer's `TrainStep`: the task's loss and its gradients on the tape,
/// the global gradient norm and clipping, then `optimizer.apply`. The batch is gathered before the
/// clock starts (its time is reported apart as `batch_seconds`), as the tf_keras peer's input
/// tensors are ready before its step. FLOPs are counted, in a separate untimed step, by
/// `BLAS.flopCount` at the one GEMM entry point: `2·m·n·k` per `sgemm` actually executed (and
/// per direct convolution, that of the GEMM it replaces)
/// (including gradients the step computes and then drops, e.g. for the data input); the
/// elementwise work (softmax, GELU, layer norm, Adam) is not counted.
enum StepBenchmark {
    static func run(_ args: BenchArguments) throws {
        let recipe = try args.recipe(for: "step")
        try BLASKernel.start(threads: recipe.train.threads)
        try run(recipe.task, recipe, args)
    }

    static func run<Task: RecipeTask>(_ task: Task, _ recipe: Recipe, _ args: BenchArguments)
        throws
    {
        let steps = max(try args.int("steps", 20), 1)
        let warmup = try args.int("warmup", 5)
        let training = try RecipeTraining(task, recipe)
        let (data, model, step) = (training.data, training.model, training.step)

        var batchSeconds: [Double] = [], samples: [Double] = []
        for n in 1...(warmup + steps) {
            var batch: Task.Batch?
            batchSeconds.append(Stopwatch.seconds { batch = data.batch(at: n - 1) })
            guard let batch else { continue }
            let t = try Stopwatch.seconds { _ = try step(n, batch) }
            if n > warmup { samples.append(t) }
        }
        // One more step, untimed, with the counter on: the GEMM FLOPs of one step.
        BLAS.flopCount = 0
        _ = try step(warmup + steps + 1, data.batch(at: warmup + steps))
        let flops = BLAS.flopCount ?? 0
        BLAS.flopCount = nil

        let median = Stopwatch.median(samples)
        let batchShapes = batchShapeFields(data.batch(at: 0))
        let params = model.parameters.map(\.parameter)
        var fields: [(String, JSONValue)] = [
            ("bench", .string("step")), ("impl", .string("swiftgarden")),
            ("recipe", .string(recipe.name)), ("threads", .int(BLAS.threads)),
            ("batch_size", .int(recipe.data.batchSize)), ("batch_shapes", .object(batchShapes)),
            ("warmup", .int(warmup)), ("steps", .int(steps)),
            ("median_seconds", .number(median)),
            ("samples_seconds", .array(samples.map { .number($0) })),
            ("batch_seconds", .number(Stopwatch.median(batchSeconds))),
            ("peak_rss_mib", .number(PeakMemory.mebibytes)),
            ("gemm_flops_per_step", .int(flops)),
            ("gflops_per_second", .number(median > 0 ? Double(flops) / median / 1e9 : 0)),
            ("variables", .int(params.count)),
            (
                "trainable_parameters",
                .int(params.filter(\.trainable).map(\.value.count).reduce(0, +))
            ),
            ("parameters", .int(params.map(\.value.count).reduce(0, +))),
        ]
        fields += training.encoderConfigFields
        print(JSONValue.object(fields).text)
    }

    /// The shapes of a batch, in the layout the peer reports: `inputs` (the model inputs),
    /// `targets`, and `features` (further tensors the loss reads, by name).
    static func batchShapeFields(_ batch: some ExampleBatch) -> [(String, JSONValue)] {
        var inputs: [Tensor] = [], targets: Tensor?, features: [(String, Tensor)] = []
        if let b = batch as? SupervisedBatch {
            (inputs, targets) = ([b.inputs], b.targets)
        } else if let b = batch as? PretrainingBatch {
            (inputs, targets) = (b.modelInputs, b.nextSentenceLabels)
            features = [("masked_lm_ids", b.maskedLMIds), ("masked_lm_weights", b.maskedLMWeights)]
        }
        return [
            ("inputs", .array(inputs.map(shape))), ("targets", targets.map(shape) ?? .array([])),
            ("features", .object(features.map { ($0.0, shape($0.1)) })),
        ]
    }

    /// A tensor's shape as a JSON array.
    static func shape(_ t: Tensor) -> JSONValue { .array(t.shape.map { .int($0) }) }
}
