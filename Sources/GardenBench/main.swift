import Foundation

// garden-bench: the benchmark programs behind scripts/bench (see docs/performance.md).
// Each subcommand prints one JSON line on stdout.
let usage = """
    usage: garden-bench step RECIPE [--set k=v]... [--steps N] [--warmup W]
           garden-bench gemm [RECIPE...] [--set k=v]... [--threads T] [--samples S]
           garden-bench export bert_tiny|bert_base --out DIR [--repeats R]
           garden-bench checkpoint RECIPE [--set k=v]... --out DIR [--writes N]
           garden-bench tokenize --vocab VOCAB --input TEXT [--cased true] [--repeats R]
    """

let words = Array(CommandLine.arguments.dropFirst())
do {
    let args = try BenchArguments(Array(words.dropFirst()))
    switch words.first {
    case "step": try StepBenchmark.run(args)
    case "gemm": try GemmBenchmark.run(args)
    case "export": try ExportBenchmark.run(args)
    case "checkpoint": try CheckpointBenchmark.run(args)
    case "tokenize": try TokenizeBenchmark.run(args)
    default: throw BenchError.usage("unknown subcommand '\(words.first ?? "")'")
    }
} catch {
    FileHandle.standardError.write(
        Data("garden-bench: \(error.localizedDescription)\n\(usage)\n".utf8))
    exit(1)
}
