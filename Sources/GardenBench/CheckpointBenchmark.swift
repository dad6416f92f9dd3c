import Foundation
import GardenHDF5
import GardenRecipes
import GardenTensor
import GardenTrain

/// `garden-bench checkpoint RECIPE [--set k=v]... [--writes N] --out DIR`: times writing the
/// checkpoint `garden train` writes for a recipe (its parameters and optimizer slots after one
/// step, the resolved recipe), `N` times over one file in DIR, and prints one JSON line.
///
/// `garden train` writes checkpoints on a thread of its own, so what a write costs the run is
/// mostly the CPU that thread takes from the training thread's core (the two vCPUs of the bench
/// host are one core's hyperthreads): reported as `median_cpu_seconds` (the process's CPU time,
/// as the TensorFlow peer reports its own) beside the wall time, whose `fsync` waits for the
/// disk. For BERT, `encoder_config` gives the peer the sizes the recipe resolves to.
enum CheckpointBenchmark {
    static func run(_ args: BenchArguments) throws {
        let recipe = try args.recipe(for: "checkpoint")
        let out = try args.required("out", "DIR", for: "checkpoint")
        try BLASKernel.start(threads: recipe.train.threads)
        try run(recipe.task, recipe, URL(fileURLWithPath: out), args)
    }

    static func run<Task: RecipeTask>(
        _ task: Task, _ recipe: Recipe, _ directory: URL, _ args: BenchArguments
    ) throws {
        let writes = max(try args.int("writes", 50), 1)
        let training = try RecipeTraining(task, recipe)
        _ = try training.step(1, training.data.batch(at: 0))
        let checkpoint = Checkpoint(
            step: 1, seed: recipe.seed, recipe: recipe.resolvedYAML(),
            variables: task.parameters(of: training.model).namedParameters().map {
                ($0.path, $0.parameter.value)
            },
            optimizerSlots: training.optimizer.slots())
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(Checkpoint.fileName(step: 1))
        // As `garden train` does: the run's first checkpoint teaches the template its layout.
        let template = HDF5ImageTemplate()
        var wall: [Double] = [], cpu: [Double] = []
        for _ in 0..<writes {
            let cpuStart = Stopwatch.processCPUSeconds()
            wall.append(try Stopwatch.seconds { try checkpoint.write(to: url, reusing: template) })
            cpu.append(Stopwatch.processCPUSeconds() - cpuStart)
        }
        let bytes = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        let fields: [(String, JSONValue)] =
            [
                ("bench", .string("checkpoint")), ("recipe", .string(recipe.name)),
                ("writes", .int(writes)), ("file_bytes", .int(bytes)),
                ("median_seconds", .number(Stopwatch.median(wall))),
                ("median_cpu_seconds", .number(Stopwatch.median(cpu))),
                ("samples_cpu_seconds", .array(cpu.map { .number($0) })),
            ] + training.encoderConfigFields
        print(JSONValue.object(fields).text)
    }
}
