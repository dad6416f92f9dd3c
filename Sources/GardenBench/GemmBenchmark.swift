import Foundation
import GardenRecipes
import GardenTensor

/// `garden-bench gemm [RECIPE...] [--threads T] [--samples S]`: the tensor layer's GEMM paths
/// (`matmul`, `batchMatmul`, `conv2d` and its two gradients via im2col) at the recipes' shapes
/// against a direct `cblas_sgemm` of the same GEMM shape, as one JSON line. Without RECIPEs it
/// takes those of `Recipes/{mlp,bert_tiny,resnet_tiny}.yaml` that exist.
///
/// Each sample times a loop of calls sized to take about 2 ms; layer and direct samples
/// alternate, so machine noise hits both alike. `ratio` = median layer time / median direct
/// time (1.0 = no overhead).
enum GemmBenchmark {
    static func run(_ args: BenchArguments) throws {
        let recipes =
            args.positional.isEmpty
            ? ["mlp", "bert_tiny", "resnet_tiny"].map { "Recipes/\($0).yaml" }
                .filter { FileManager.default.fileExists(atPath: $0) }
            : args.positional
        let samples = max(try args.int("samples", 9), 1)
        BLAS.setThreads(try args.int("threads", 2))
        var rows: [JSONValue] = []
        for path in recipes {
            let recipe = try RecipeLoader.load(path: path, overrides: args.options["set"] ?? [])
            for c in try GemmShapes.cases(recipe) {
                let (layer, direct) = measure(c, samples: samples)
                rows.append(
                    .object([
                        ("recipe", .string(recipe.name)), ("case", .string(c.name)),
                        ("op", .string(c.op)),
                        ("gemm", .string("\(c.gemm.count)x(\(c.gemm.m)x\(c.gemm.n)x\(c.gemm.k))")),
                        ("flops", .int(c.flops)),
                        ("layer_seconds", .number(layer)), ("direct_seconds", .number(direct)),
                        ("ratio", .number(direct > 0 ? layer / direct : 0)),
                        (
                            "direct_gflops_per_second",
                            .number(direct > 0 ? Double(c.flops) / direct / 1e9 : 0)
                        ),
                    ]))
            }
        }
        print(
            JSONValue.object([
                ("bench", .string("gemm")), ("threads", .int(BLAS.threads)),
                ("cases", .array(rows)),
            ]).text)
    }

    /// Median seconds per call of `c.layer` and of `c.direct`.
    static func measure(_ c: GemmCase, samples: Int) -> (layer: Double, direct: Double) {
        for _ in 0..<3 { c.layer(); c.direct() }  // warm caches and OpenBLAS's threads
        // Calls per sample: enough for ~2 ms of the direct GEMM, so clock reads do not count.
        let once = Stopwatch.seconds { c.direct() }
        let reps = max(1, min(100_000, Int(0.002 / max(once, 1e-8))))
        var layer: [Double] = [], direct: [Double] = []
        for _ in 0..<samples {
            layer.append(Stopwatch.seconds { for _ in 0..<reps { c.layer() } } / Double(reps))
            direct.append(Stopwatch.seconds { for _ in 0..<reps { c.direct() } } / Double(reps))
        }
        return (Stopwatch.median(layer), Stopwatch.median(direct))
    }
}
