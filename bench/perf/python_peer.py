"""The Python peer of `tileinfer batch`: the same work with the seed's stack (rasterio + onnxruntime + numpy).

For every 256 px tile of the scene (halo 0, edge tiles padded with 0 to the full size, as tileinfer does):
windowed read of the bands as float32, validity (not NaN, not nodata: the file's, else the card's band nodata,
as tileinfer takes it), SHA-256 of the values read (float32
little-endian, band-sequential, as tileinfer's rows record), the card's scaling (computed in float64 and
rounded to float32, as tileinfer does; a band the card marks corrected for the sun angle is divided by the sine of
--sun-elevation, also in float64), onnxruntime in batches of 8 consecutive tiles (one session, one
intra-op thread per worker), argmax (ties to the lower class) and percent probabilities, class fractions, one
SQLite row per tile (a transaction per batch), the cropped prediction written into a tiled scratch GeoTIFF,
then the same COG as tileinfer's (DEFLATE without predictor, 256 px blocks, overviews, nearest resampling).
WORKERS threads each with their own dataset handle: rasterio and onnxruntime release the GIL.

usage: python_peer.py SCENE MODEL.onnx CARD.json OUT.tif DB.sqlite [--workers N] [--size 256] [--sun-elevation DEG]
--sun-elevation: the scene's sun elevation in degrees, (0, 90]; required when the card has a band corrected for the
sun angle, refused when it has none (a value that would be ignored is a mistake in the caller's configuration).
Prints: seconds tiles.
"""
import argparse
import hashlib
import json
import math
import os
import re
import sqlite3
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import onnxruntime as ort
import rasterio
import rasterio.shutil
from rasterio.windows import Window

BATCH = 8
NODATA = 255


# The card's scaling, as tileinfer writes it (CardJson): "A * SCALE + OFFSET", or for a band corrected for the sun
# angle "(A * SCALE + OFFSET) / sin(radians(sun_elevation))".
LINEAR = re.compile(r"A \* (\S+) \+ (\S+)")
SUN_CORRECTED = re.compile(r"\(A \* (\S+) \+ ([^\s)]+)\) / sin\(radians\(sun_elevation\)\)")


def card_scaling(card, path, sun_elevation):
    """Each band's scale and offset, float64 and shaped to broadcast over [N, C, H, W]; a corrected band's divided by
    sin(sun elevation), as InputScaling folds the division into them."""
    if sun_elevation is not None and not 1 <= sun_elevation <= 90:
        sys.exit(f"--sun-elevation: found {sun_elevation}, expected degrees above the horizon, from 1 to 90")
    scale, offset, corrected = [], [], []
    for i, item in enumerate(card["mlm:input"][0]["value_scaling"]):
        expression = item["expression"]
        m = LINEAR.fullmatch(expression) or SUN_CORRECTED.fullmatch(expression)
        if m is None:
            sys.exit(f"{path}: mlm:input[0].value_scaling[{i}].expression: found {expression!r}, expected "
                     f"'A * SCALE + OFFSET' or '(A * SCALE + OFFSET) / sin(radians(sun_elevation))'")
        scale.append(float(m.group(1)))
        offset.append(float(m.group(2)))
        corrected.append(m.re is SUN_CORRECTED)
    names = [name for name, c in zip(card["mlm:input"][0]["bands"], corrected) if c]
    if names and sun_elevation is None:
        sys.exit(f"{path}: bands {names} are corrected for the sun angle: --sun-elevation DEGREES is required")
    if not names and sun_elevation is not None:
        sys.exit(f"--sun-elevation {sun_elevation}: no band of {path} is corrected for the sun angle, the value "
                 f"would be ignored")
    # math.sin (the C library's; here glibc 2.36) is not InputScaling.sine's StrictMath.sin (fdlibm): their last bit
    # differs for 2943 of the elevations 0.001, 0.002, ... 90 (46 and 58 among whole degrees). For 30, run.sh's, both
    # give 0x3fdfffffffffffff (0.49999999999999994), checked with jshell; another value needs checking again.
    divisor = [math.sin(math.radians(sun_elevation)) if c else 1.0 for c in corrected]
    scale = [s / d for s, d in zip(scale, divisor)]  # a division by 1 changes no value
    offset = [o / d for o, d in zip(offset, divisor)]
    return tuple(np.array(v, np.float64).reshape(1, -1, 1, 1) for v in (scale, offset))


def main():
    p = argparse.ArgumentParser()
    for name in ("scene", "model", "card", "out", "db"):
        p.add_argument(name)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--size", type=int, default=256)
    p.add_argument("--sun-elevation", type=float)
    a = p.parse_args()
    size = a.size
    card = json.load(open(a.card))
    classes = [c["name"] for c in card["mlm:output"][0]["classification:classes"]]
    scale, offset = card_scaling(card, a.card, a.sun_elevation)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    session = ort.InferenceSession(a.model, options, providers=["CPUExecutionProvider"])
    input_name = session.get_inputs()[0].name

    start = time.monotonic()
    with rasterio.open(a.scene) as src:
        width, height, count = src.width, src.height, src.count
        profile = dict(driver="GTiff", width=width, height=height, count=1 + len(classes), dtype="uint8",
                       crs=src.crs, transform=src.transform, nodata=NODATA, tiled=True, blockxsize=256,
                       blockysize=256, interleave="band", sparse_ok=True, photometric="minisblack")
        card_nodata = {b["name"]: b.get("nodata") for b in card["bands"]}
        fallback = [card_nodata.get(name) for name in card["mlm:input"][0]["bands"]]
        nodata = [v if v is not None else c if c is not None else np.nan
                  for v, c in zip(src.nodatavals, fallback)]
    windows = [(x, y, min(size, width - x), min(size, height - y))
               for y in range(0, height, size) for x in range(0, width, size)]
    batches = [windows[i:i + BATCH] for i in range(0, len(windows), BATCH)]
    scratch = a.out + ".scratch.tif"
    db = sqlite3.connect(a.db, check_same_thread=False)
    db.execute("CREATE TABLE IF NOT EXISTS tile_results (tile_id TEXT PRIMARY KEY, x INT, y INT, w INT, h INT, "
               "status TEXT, class_fractions TEXT, input_sha256 TEXT, latency_ms REAL)")
    lock = threading.Lock()
    local = threading.local()

    def run_batch(dst, batch):
        if not hasattr(local, "src"):
            local.src = rasterio.open(a.scene)
        t0 = time.monotonic()
        raw = np.zeros((len(batch), count, size, size), np.float32)
        valid = np.zeros((len(batch), size, size), bool)
        shas = []
        for i, (x, y, w, h) in enumerate(batch):
            values = local.src.read(window=Window(x, y, w, h), out_dtype="float32")
            shas.append(hashlib.sha256(values.astype("<f4", copy=False).tobytes()).hexdigest())
            raw[i, :, :h, :w] = values
            ok = ~np.isnan(values).any(axis=0)
            for b, nd in enumerate(nodata):
                if not np.isnan(nd):
                    ok &= values[b] != nd
            valid[i, :h, :w] = ok
        # float64 throughout, then one rounding to float32, as InputScaling.apply
        scaled = (raw * scale + offset).astype(np.float32)
        probabilities = session.run(None, {input_name: scaled})[0]
        best = np.argmax(probabilities, axis=1).astype(np.uint8)  # first maximum: ties keep the lower class
        percent = np.floor(np.clip(probabilities, 0, 1) * np.float32(100) + np.float32(0.5)).astype(np.uint8)
        rows = []
        for i, (x, y, w, h) in enumerate(batch):
            ok = valid[i, :h, :w]
            out = np.empty((1 + len(classes), h, w), np.uint8)
            out[0] = best[i, :h, :w]
            out[1:] = percent[i, :, :h, :w]
            out[:, ~ok] = NODATA
            counts = np.bincount(out[0][ok], minlength=len(classes))
            n = int(ok.sum())
            fractions = {c: (float(counts[k]) / n if n else 0.0) for k, c in enumerate(classes)}
            with lock:
                dst.write(out, window=Window(x, y, w, h))
            rows.append((f"w1/x{x}_y{y}_{w}x{h}", x, y, w, h, "DONE" if n else "SKIPPED", json.dumps(fractions),
                         shas[i], (time.monotonic() - t0) * 1000 / len(batch)))
        with lock:
            with db:
                db.executemany("INSERT OR REPLACE INTO tile_results VALUES (?,?,?,?,?,?,?,?,?)", rows)

    with rasterio.open(scratch, "w", **profile) as dst:
        with ThreadPoolExecutor(a.workers) as pool:
            for future in [pool.submit(run_batch, dst, b) for b in batches]:
                future.result()
    rasterio.shutil.copy(scratch, a.out, driver="COG", compress="DEFLATE", predictor="NO", blocksize=256,
                         overviews="AUTO", resampling="NEAREST", num_threads=1, bigtiff="IF_SAFER")
    os.remove(scratch)
    db.close()
    print(f"{time.monotonic() - start:.3f} {len(windows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
