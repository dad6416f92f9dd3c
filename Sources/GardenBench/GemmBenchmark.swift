import Foundation
import COpenBLAS
import GardenRecipes
import GardenTensor
import GardenTrain

/// `garden-bench gemm [RECIPE...] [--threads T] [--samples S]`: the tensor layer's GEMM paths
/// (`matmul`, `batchMatmul`, `conv2d` and its two gradients via im2col) at the recipes' shapes
/// against a direct `cblas_sgemm` of the same GEMM shape (OpenBLAS at the same thread count) and,
/// for convolutions, against the textbook im2col + `cblas_sgemm` (`Im2colReference`), as one
/// JSON line. Without RECIPEs it
/// takes those of `Recipes/{mlp,bert_tiny,resnet_tiny}.yaml` that exist.
///
/// Each sample times a loop of calls sized to take about 2 ms; layer and direct samples
/// alternate, so machine noise hits them alike. `ratio` = median layer time / median direct
/// time (1.0 = no overhead); `ratio_to_im2col_sgemm` = median layer time / median textbook time
/// (below 1.0: the layer's convolution beats im2col + sgemm).
enum GemmBenchmark {
    static func run(_ args: BenchArguments) throws {
        let recipes =
            args.positional.isEmpty
            ? ["mlp", "bert_tiny", "resnet_tiny"].map { "Recipes/\($0).yaml" }
                .filter { FileManager.default.fileExists(atPath: $0) }
            : args.positional
        let samples = max(try args.int("samples", 9), 1)
        try BLASKernel.start(threads: try args.int("threads", 2))
        var rows: [JSONValue] = []
        for path in recipes {
            let recipe = try RecipeLoader.load(path: path, overrides: args.options["set"] ?? [])
            for c in try GemmShapes.cases(recipe) {
                let (layer, direct, reference) = measure(c, samples: samples)
                var fields: [(String, JSONValue)] = [
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
                ]
                if let reference {
                    fields += [
                        ("im2col_sgemm_seconds", .number(reference)),
                        ("ratio_to_im2col_sgemm", .number(reference > 0 ? layer / reference : 0)),
                    ]
                }
                rows.append(.object(fields))
            }
        }
        print(
            JSONValue.object([
                ("bench", .string("gemm")), ("threads", .int(BLAS.threads)),
                ("cases", .array(rows)),
            ]).text)
    }

    /// Median seconds per call of `c.layer`, of `c.direct` and of `c.im2colSgemm` (nil without
    /// one). The direct and textbook calls run with OpenBLAS's own threads at the same count (the
    /// best a plain OpenBLAS caller gets); the layer's products run single-threaded OpenBLAS calls
    /// over `ParallelFor` (`BLAS.setThreads`).
    static func measure(_ c: GemmCase, samples: Int)
        -> (layer: Double, direct: Double, im2colSgemm: Double?)
    {
        let threads = Int32(BLAS.threads)
        // Each runs `calls` calls with its OpenBLAS thread count and returns seconds per call.
        func timed(_ body: @escaping () -> Void, openBLASThreads: Int32) -> (Int) -> Double {
            { calls in
                openblas_set_num_threads(openBLASThreads)
                return Stopwatch.seconds { for _ in 0..<calls { body() } } / Double(calls)
            }
        }
        let layer = timed(c.layer, openBLASThreads: 1)
        let direct = timed(c.direct, openBLASThreads: threads)
        let reference = c.im2colSgemm.map { timed($0, openBLASThreads: threads) }
        for _ in 0..<3 {  // warm caches and the threads
            _ = layer(1); _ = direct(1); _ = reference?(1)
        }
        // Calls per sample: enough for ~2 ms of the direct GEMM, so clock reads do not count.
        let reps = max(1, min(100_000, Int(0.002 / max(direct(1), 1e-8))))
        var layerTimes: [Double] = [], directTimes: [Double] = [], referenceTimes: [Double] = []
        for _ in 0..<samples {
            layerTimes.append(layer(reps))
            directTimes.append(direct(reps))
            if let reference { referenceTimes.append(reference(reps)) }
        }
        openblas_set_num_threads(1)
        return (
            Stopwatch.median(layerTimes), Stopwatch.median(directTimes),
            reference == nil ? nil : Stopwatch.median(referenceTimes)
        )
    }
}
