"""Summarizes a scripts/bench work directory: per case median of the per-process medians for
SwiftGarden and tf_keras, their ratio, peak RSS, GFLOP/s; `garden train`'s whole-process time
per step against the bench step; checkpoint writes against tf.train.Checkpoint; the scaling
table (BENCH_SCALING=1); the GEMM overhead table; WordPiece tokenization against
tensorflow_text; export and load times. Prints the summary,
then ONE JSON line with every figure (the last line).

    python report.py WORK_DIR
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

work = Path(sys.argv[1])


def lines(path: Path) -> list[dict]:
    return [json.loads(l) for l in path.read_text().splitlines() if l.strip()] if path.exists() else []


def one(path: Path) -> dict | None:
    got = lines(path)
    return got[-1] if got else None


def loads(path: Path) -> dict | None:
    """The load + first call processes of one export: medians, and every run."""
    runs = lines(path)
    if not runs:
        return None
    return {
        "load_seconds": statistics.median(r["load_seconds"] for r in runs),
        "first_call_seconds": statistics.median(r["first_call_seconds"] for r in runs),
        "first_calls": [r["first_call_seconds"] for r in runs],
        "first_call_cpu_seconds": statistics.median(r["first_call_cpu_seconds"] for r in runs),
        "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
        "runs": runs,
    }


meta = dict(l.split("=", 1) for l in (work / "meta.txt").read_text().splitlines() if "=" in l)
result: dict = {"meta": meta, "recipes": {}, "train": {}, "scaling": [], "gemm": [], "export": {}}
cases = (work / "cases.txt").read_text().split() if (work / "cases.txt").exists() else []
scaling = set((work / "scaling.txt").read_text().split()) if (work / "scaling.txt").exists() else set()
print(f"\n== SwiftGarden vs tf_keras ({meta.get('date')}, commit {meta.get('commit')}, "
      f"{meta.get('cpus')} CPUs: {meta.get('cpu')}; load {meta.get('load')} -> {meta.get('load_after')})")

print("\n-- training step (median of per-process medians; 2 threads each) --")
print(f"{'case':<27} {'swift ms':>9} {'tf ms':>9} {'ratio':>6} {'swift RSS':>10} {'tf RSS':>8} "
      f"{'GFLOP/s':>8} {'params':>9}")
for name in cases:
    sw, tf = lines(work / f"{name}.swift.jsonl"), lines(work / f"{name}.tf.jsonl")
    if not sw or not tf:
        continue
    s_med = statistics.median(r["median_seconds"] for r in sw)
    t_med = statistics.median(r["median_seconds"] for r in tf)
    flops = sw[0]["gemm_flops_per_step"]
    entry = {
        "swift_median_seconds": s_med, "tf_keras_median_seconds": t_med, "ratio": s_med / t_med,
        "swift_process_medians": [r["median_seconds"] for r in sw],
        "tf_keras_process_medians": [r["median_seconds"] for r in tf],
        "swift_peak_rss_mib": statistics.median(r["peak_rss_mib"] for r in sw),
        "tf_keras_peak_rss_mib": statistics.median(r["peak_rss_mib"] for r in tf),
        "tf_keras_rss_after_import_mib": statistics.median(r["baseline_rss_mib"] for r in tf),
        "gemm_flops_per_step": flops, "swift_gflops_per_second": flops / s_med / 1e9,
        "swift_batch_seconds": statistics.median(r["batch_seconds"] for r in sw),
        "swift_parameters": sw[0]["parameters"], "tf_keras_parameters": tf[0]["parameters"],
        "steps": sw[0]["steps"], "warmup": sw[0]["warmup"], "rounds": len(sw),
    }
    result["recipes"][name] = entry
    if name in scaling:
        if not result["scaling"]:
            print("-- scaling (BENCH_SCALING=1): how both steps grow with size --")
        result["scaling"].append(name)
    print(f"{name:<27} {s_med * 1e3:>9.3f} {t_med * 1e3:>9.3f} {s_med / t_med:>6.2f} "
          f"{entry['swift_peak_rss_mib']:>8.0f}Mi {entry['tf_keras_peak_rss_mib']:>6.0f}Mi "
          f"{entry['swift_gflops_per_second']:>8.2f} {sw[0]['parameters']:>9}")
    if sw[0]["parameters"] != tf[0]["parameters"]:
        print(f"   WARNING: parameter counts differ: {sw[0]['parameters']} vs {tf[0]['parameters']}")

print("\n-- garden train: whole-process seconds per step (two step counts, differenced),"
      " against the mean bench step of the processes run right before and after them --")
print("   (ratio: the median of the rounds' ratios; in-proc: the long run's own loop time over its"
      " steps' time, one process: what batches, evaluation, checkpoints and logging add, free of"
      " the host's drift between processes)")
print(f"{'case':<27} {'train ms':>9} {'bench ms':>9} {'ratio':>6} {'rounds':>20} {'in-proc':>7}")


for name in cases:
    runs = lines(work / f"{name}.train.jsonl")
    if not runs or name not in result["recipes"]:
        continue
    per_round = [(r["long_seconds"] - r["short_seconds"]) / (r["long_steps"] - r["short_steps"])
                 for r in runs]
    # Each round's bench processes, before and after its trains.
    benches = [statistics.mean(r["bench_mean_seconds"]) for r in runs]
    ratios = [t / b for t, b in zip(per_round, benches)]
    per_step, bench, ratio = (statistics.median(x) for x in (per_round, benches, ratios))
    loops = [r["loop_seconds"] / r["loop_step_seconds"] for r in runs if r.get("loop_step_seconds")]
    in_process = statistics.median(loops) if loops else float("nan")
    result["train"][name] = {"seconds_per_step": per_step, "bench_mean_seconds": bench,
                             "ratio": ratio, "round_ratios": ratios,
                             "in_process_ratio": in_process, "runs": runs}
    listed = " ".join(f"{r:.2f}" for r in ratios)
    print(f"{name:<27} {per_step * 1e3:>9.3f} {bench * 1e3:>9.3f} {ratio:>6.2f} {listed:>20} "
          f"{in_process:>7.3f}")

print("\n-- checkpoint writes: SwiftGarden's (fsynced) against tf.train.Checkpoint.write (not"
      " fsynced), medians of the processes' medians; CPU: the process's, every thread --")
print(f"{'case':<27} {'swift cpu ms':>12} {'tf cpu ms':>10} {'ratio':>6} {'swift ms':>9} {'tf ms':>8} "
      f"{'swift KB':>9} {'tf KB':>8}")
result["checkpoint"] = {}
for name in cases:
    sw, tf = lines(work / f"{name}.checkpoint.swift.jsonl"), lines(work / f"{name}.checkpoint.tf.jsonl")
    if not sw or not tf:
        continue
    s_cpu, t_cpu = (statistics.median(r["median_cpu_seconds"] for r in x) for x in (sw, tf))
    s_wall, t_wall = (statistics.median(r["median_seconds"] for r in x) for x in (sw, tf))
    result["checkpoint"][name] = {
        "swift_cpu_seconds": s_cpu, "tf_cpu_seconds": t_cpu, "cpu_ratio": s_cpu / t_cpu,
        "swift_seconds": s_wall, "tf_seconds": t_wall,
        "swift_process_cpu_medians": [r["median_cpu_seconds"] for r in sw],
        "tf_process_cpu_medians": [r["median_cpu_seconds"] for r in tf],
        "swift_file_bytes": sw[0]["file_bytes"], "tf_file_bytes": tf[0]["file_bytes"],
    }
    print(f"{name:<27} {s_cpu * 1e3:>12.3f} {t_cpu * 1e3:>10.3f} {s_cpu / t_cpu:>6.2f} "
          f"{s_wall * 1e3:>9.3f} {t_wall * 1e3:>8.3f} {sw[0]['file_bytes'] / 1e3:>9.1f} "
          f"{tf[0]['file_bytes'] / 1e3:>8.1f}")

gemm = one(work / "gemm.json")
if gemm:
    print("\n-- GEMM path: tensor layer vs direct cblas_sgemm (ratio 1.00 = no overhead); "
          "convolutions also vs im2col + cblas_sgemm (below 1.00: the layer beats it) --")
    print(f"{'ratio':>6} {'layer us':>10} {'direct us':>10} {'GFLOP/s':>8} {'vs im2col':>9}  case")
    for c in gemm["cases"]:
        textbook = c.get("ratio_to_im2col_sgemm")
        print(f"{c['ratio']:>6.2f} {c['layer_seconds'] * 1e6:>10.1f} {c['direct_seconds'] * 1e6:>10.1f} "
              f"{c['direct_gflops_per_second']:>8.1f} {'' if textbook is None else f'{textbook:.2f}':>9}"
              f"  {c['case']}")
    result["gemm"] = gemm["cases"]

sw, tf = lines(work / "tokenize.swift.jsonl"), lines(work / "tokenize.tf.jsonl")
if sw and tf:
    s_sec, t_sec = (statistics.median(r["median_seconds"] for r in x) for x in (sw, tf))
    same = sw[0]["tokens"] == tf[0]["tokens"]
    result["tokenize"] = {
        "bytes": sw[0]["bytes"], "tokens": sw[0]["tokens"], "tf_tokens": tf[0]["tokens"],
        "swift_seconds": s_sec, "tf_seconds": t_sec, "ratio": s_sec / t_sec,
        "swift_process_medians": [r["median_seconds"] for r in sw],
        "tf_process_medians": [r["median_seconds"] for r in tf],
    }
    work_note = "" if same else f", TF's: {tf[0]['tokens']}, NOT THE SAME WORK"
    print(f"\n-- WordPiece tokenization of {sw[0]['bytes'] / 1e6:.1f} MB "
          f"({sw[0]['tokens']} tokens{work_note}):"
          f" ours {s_sec:.3f} s ({sw[0]['bytes'] / 1e6 / s_sec:.1f} MB/s), tensorflow_text "
          f"{t_sec:.3f} s ({tf[0]['bytes'] / 1e6 / t_sec:.1f} MB/s), ratio {s_sec / t_sec:.3f}")

print("\n-- BERT encoder export (random weights) and tf.saved_model.load + first call --")
for size in ("bert_tiny", "bert_base"):
    ours, tf = one(work / f"export-{size}.swift.json"), one(work / f"export-{size}.tf.json")
    if not ours or not tf:
        continue
    lo, lt = loads(work / f"load-{size}.ours.json"), loads(work / f"load-{size}.tf.json")
    entry = {
        "parameters": ours["parameters"], "tf_parameters": tf["parameters"],
        "swift_export_seconds": ours["median_seconds"], "swift_trace_seconds": ours["trace_seconds"],
        "swift_write_seconds": ours["write_seconds"], "swift_export_bytes": ours["bytes"],
        "tf_save_seconds": tf["median_seconds"], "ratio": ours["median_seconds"] / tf["median_seconds"],
        "swift_export_peak_rss_mib": ours["peak_rss_mib"], "tf_save_peak_rss_mib": tf["peak_rss_mib"],
        "load_ours": lo, "load_tf": lt,
    }
    # Round i's two processes ran back to back (scripts/bench), so they share the host's phase;
    # the median of their ratios is the comparison the phases move least.
    if lo and lt and len(lo["first_calls"]) == len(lt["first_calls"]):
        entry["first_call_ratio_per_round"] = statistics.median(
            o / t for o, t in zip(lo["first_calls"], lt["first_calls"]))
    result["export"][size] = entry
    print(f"{size:<10} params {ours['parameters']:>10}: ours {ours['median_seconds']:.3f} s "
          f"(trace {ours['trace_seconds']:.3f}, write {ours['write_seconds']:.3f}), "
          f"tf.saved_model.save {tf['median_seconds']:.3f} s, ratio {entry['ratio']:.3f}")
    if lo and lt:
        print(f"{'':<10} load + first call (medians of {len(lo['runs'])} alternated processes): "
              f"ours {lo['load_seconds']:.2f} + {lo['first_call_seconds']:.2f} s, "
              f"TF's {lt['load_seconds']:.2f} + {lt['first_call_seconds']:.2f} s "
              f"(first calls: ours {', '.join(f'{r:.2f}' for r in lo['first_calls'])}; "
              f"TF's {', '.join(f'{r:.2f}' for r in lt['first_calls'])})")
        if "first_call_ratio_per_round" in entry:
            print(f"{'':<10} first call ours / TF's, median of the rounds' ratios "
                  f"{entry['first_call_ratio_per_round']:.3f}; CPU (all threads, medians) "
                  f"{lo['first_call_cpu_seconds']:.2f} vs {lt['first_call_cpu_seconds']:.2f} s")

print(json.dumps(result, separators=(",", ":")))
