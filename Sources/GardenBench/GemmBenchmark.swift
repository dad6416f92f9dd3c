import Foundation
import COpenBLAS
import GardenRecipes
import GardenTensor

/// `garden-bench gemm [RECIPE...] [--threads T] [--samples S]`: the tensor layer's GEMM paths
/// (`matmul`, `batchMatmul`, `conv2d` and its two gradients via im2col) at the recipes' shapes
/// against a direct `cblas_sgemm` of the same GEMM shape (OpenBLAS at the same thread count), as
/// one JSON line. Without RECIPEs it
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

    /// Median seconds per call of `c.layer` and of `c.direct`. The direct calls run with
    /// OpenBLAS's own threads at the same count (the best a plain OpenBLAS caller gets); the
    /// layer's products run single-threaded OpenBLAS calls over `ParallelFor` (`BLAS.setThreads`).
    static func measure(_ c: GemmCase, samples: Int) -> (layer: Double, direct: Double) {
        let threads = Int32(BLAS.threads)
        let direct = {
            openblas_set_num_threads(threads)
            c.direct()
        }
        let layer = {
            openblas_set_num_threads(1)
            c.layer()
        }
        for _ in 0..<3 { layer(); direct() }  // warm caches and the threads
        // Calls per sample: enough for ~2 ms of the direct GEMM, so clock reads do not count.
        let once = Stopwatch.seconds { direct() }
        let reps = max(1, min(100_000, Int(0.002 / max(once, 1e-8))))
        var layerTimes: [Double] = [], directTimes: [Double] = []
        for _ in 0..<samples {
            openblas_set_num_threads(1)
            layerTimes.append(Stopwatch.seconds { for _ in 0..<reps { c.layer() } } / Double(reps))
            openblas_set_num_threads(threads)
            directTimes.append(
                Stopwatch.seconds { for _ in 0..<reps { c.direct() } } / Double(reps))
        }
        openblas_set_num_threads(1)
        return (Stopwatch.median(layerTimes), Stopwatch.median(directTimes))
    }
}
