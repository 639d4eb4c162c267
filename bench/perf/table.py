"""Prints the benchmark table from bench/perf/run.sh's measurements: medians, ratios within this run, targets.
usage: table.py TIMES LOAD COMPARE JMH_CSV CPU NPROC REPEATS"""
import csv
import datetime
import os
import platform
import statistics
import sys

times, load_file, compare_file, jmh_file, cpu, nproc, repeats = sys.argv[1:8]
rows = {}
for line in open(times):
    name, seconds, rss, *rest = line.split()
    rows.setdefault(name, []).append((float(seconds), int(rss), [float(r) for r in rest[:1]] if rest else []))


def med(name):
    return statistics.median(r[0] for r in rows[name]) if name in rows else None


def rss_mb(name):
    return max(r[1] for r in rows[name]) / 1024 if name in rows else None


def run_med(name):
    values = [r[2][0] for r in rows.get(name, []) if r[2]]
    return statistics.median(values) if values else None


def spread(name):
    values = [r[0] for r in rows.get(name, [])]
    return f" ({min(values):.2f}–{max(values):.2f})" if len(values) > 1 else ""


load = dict(line.split(" ", 1) for line in open(load_file).read().splitlines())
pixels = 10980 * 10980
out = []
p = out.append
p(f"Measured {datetime.datetime.fromtimestamp(os.path.getmtime(times), datetime.UTC):%Y-%m-%d %H:%M} UTC on {cpu}, {nproc} vCPU, "
  f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GB, {platform.platform()}; "
  f"load average before {load['load_before']}, after {load['load_after']} (1, 5, 15 min); "
  f"medians of {repeats} runs (range in brackets).")
p("")
p("W1: 10980 × 10980 px, 4 bands uint16, 1849 tiles of 256 px (halo 0), batches of 8.")
p("")
p("| stage | contender | 1 thread (s) | 2 threads (s) | Mpx/s, 1 thread | 2 threads / 1 |")
p("|---|---|---:|---:|---:|---:|")
labels = [
    ("decode", "GDAL C loop (`gdal_windows.c`)", "gdal"),
    ("decode", "tileinfer `RasterReader.readNative`", "raster"),
    ("decode", "tileinfer `TileReader.read` (+ mask, padding, SHA-256)", "tile"),
    ("inference only", "ONNX Runtime `session.run`, scaled tiles (floor)", "ort"),
    ("inference only", "tileinfer `TileModel.predict` (+ scaling, copy out)", "model"),
    ("end to end", "`tileinfer batch` (process wall time)", "e2e"),
    ("end to end", "Python peer (rasterio + onnxruntime)", "peer"),
]
for stage, label, key in labels:
    one, two = med(f"{key}-1"), med(f"{key}-2")
    if one is None:
        continue
    p(f"| {stage} | {label} | {one:.2f}{spread(key + '-1')} | {two:.2f}{spread(key + '-2')} | "
      f"{pixels / one / 1e6:.1f} | {one / two:.2f} |")
p("")
e2e_run = [run_med("e2e-1"), run_med("e2e-2")]
p(f"`tileinfer batch` run time from its manifest (without JVM start): 1 worker {e2e_run[0]:.2f} s, "
  f"2 workers {e2e_run[1]:.2f} s. Peak RSS: tileinfer 1 worker {rss_mb('e2e-1'):.0f} MiB, 2 workers "
  f"{rss_mb('e2e-2'):.0f} MiB" + (f", 4× scene (21960 × 21960) 2 workers {rss_mb('e2e4x-2'):.0f} MiB "
                                  f"in {med('e2e4x-2'):.1f} s" if 'e2e4x-2' in rows else "")
  + f"; Python peer 1 worker {rss_mb('peer-1'):.0f} MiB, 2 workers {rss_mb('peer-2'):.0f} MiB.")
p("")
p("| target | measured | verdict |")
p("|---|---|---|")


def target(name, value, ok, text):
    p(f"| {name} | {text} | {'PASS' if ok else 'MISSED'} |")


for n in (1, 2):
    r = med(f"gdal-{n}") / med(f"raster-{n}")
    target(f"decode ≥ 1.0× GDAL's throughput, {n} thread(s)", r, r >= 1.0,
           f"RasterReader {r:.2f}× GDAL (TileReader {med(f'gdal-{n}') / med(f'tile-{n}'):.2f}×)")
for n in (1, 2):
    floor = med(f"gdal-{n}") + med(f"ort-{n}")
    r = med(f"e2e-{n}") / floor
    target(f"end to end ≤ 1.3 × (GDAL decode + inference only), {n} thread(s)", r, r <= 1.3,
           f"{med(f'e2e-{n}'):.2f} s / ({med(f'gdal-{n}'):.2f} + {med(f'ort-{n}'):.2f} s) = {r:.2f}×")
for n in (1, 2):
    r = med(f"peer-{n}") / med(f"e2e-{n}")
    target(f"end to end ≥ 2× faster than the Python peer, {n} worker(s)", r, r >= 2.0,
           f"peer {med(f'peer-{n}'):.2f} s / tileinfer {med(f'e2e-{n}'):.2f} s = {r:.2f}×")
r = med("e2e-1") / med("e2e-2")
target("two workers ≥ 1.8× one", r, r >= 1.8, f"{med('e2e-1'):.2f} s / {med('e2e-2'):.2f} s = {r:.2f}×")
limit = 1024
worst = max(rss_mb("e2e-1"), rss_mb("e2e-2"))
target("peak RSS ≤ 1 GB (1024 MiB), W1", worst, worst <= limit, f"{worst:.0f} MiB")
if "e2e4x-2" in rows:
    big, small = rss_mb("e2e4x-2"), rss_mb("e2e-2")
    target("peak RSS ≤ 1 GB and not growing with the scene (4× area, ≤ 1.1 × W1's)", big,
           big <= limit and big <= 1.1 * small, f"{big:.0f} MiB vs {small:.0f} MiB for W1 (2 workers)")
else:
    p("| peak RSS not growing with the scene | not measured (--no-4x) | MISSED |")
p("")
for line in open(compare_file):
    name, verdict = line.strip().split(" ", 1)
    p(f"Outputs, {name}: {verdict}.")
if os.path.exists(jmh_file) and os.path.getsize(jmh_file):
    p("")
    p("JMH hot paths (per call, one 256 × 256 × 4 tile unless named; `l8_rgbn_cog.tif`):")
    p("")
    p("| benchmark | µs/op | ± error |")
    p("|---|---:|---:|")
    for r in csv.DictReader(open(jmh_file)):
        p(f"| {r['Benchmark'].rsplit('.', 1)[1]} | {float(r['Score']):.1f} | {float(r['Score Error (99.9%)']):.1f} |")
print("\n".join(out))
