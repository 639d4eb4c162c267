"""The comparison server of bench/api: FastAPI + uvicorn + onnxruntime serving a tileinfer registry model.

It does what `tileinfer serve` does for POST /v1/predict (a GeoTIFF body, JSON answer) with the same ONNX file and
the same preprocessing: the card's per-band `A * scale + offset`, divided by sin(sun elevation) for a band the card
corrects for the sun angle (`(A * scale + offset) / sin(radians(sun_elevation))`, the elevation from the query's
`?sun_elevation=<degrees>`, which such a model requires here: tileinfer could also compute it from the file's
time and place), in float64 and rounded to float32 once, as tileinfer does; the model, argmax, class fractions of
the valid pixels (a pixel is invalid when a band equals the TIFF's GDAL nodata value). Nothing else: no validation
beyond what tifffile does, no metrics, no access log, so it is a lower bound on what a Python server costs.

    TILEINFER_MODEL_DIR=<registry>/versions/<version> uvicorn fastapi_server:app --workers 2
"""
import hashlib
import io
import json
import math
import os
import re
import uuid

import numpy as np
import onnxruntime as ort
import tifffile
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

MODEL_DIR = os.environ["TILEINFER_MODEL_DIR"]
with open(os.path.join(MODEL_DIR, "card.json"), encoding="utf-8") as f:
    CARD = json.load(f)
INPUT = CARD["mlm:input"][0]
OUTPUT = CARD["mlm:output"][0]
CLASSES = [c["name"] for c in sorted(OUTPUT["classification:classes"], key=lambda c: c["value"])]
VERSION = CARD["tileinfer:version"]
NAME = CARD["mlm:name"]


_LINEAR = re.compile(r"\s*A\s*\*\s*([-+0-9.eE]+)\s*\+\s*([-+0-9.eE]+)\s*")
_SUN_CORRECTED = re.compile(r"\s*\(\s*A\s*\*\s*([-+0-9.eE]+)\s*\+\s*([-+0-9.eE]+)\s*\)\s*/\s*"
                            r"sin\(\s*radians\(\s*sun_elevation\s*\)\s*\)\s*")


def _scaling(expression):
    """(scale, offset, corrected for the sun angle) of a card's value-scaling expression."""
    m = _LINEAR.fullmatch(expression) or _SUN_CORRECTED.fullmatch(expression)
    if not m:
        raise ValueError(f"card.json: value_scaling: found {expression!r}, expected 'A * scale + offset' or "
                         f"'(A * scale + offset) / sin(radians(sun_elevation))'")
    return float(m.group(1)), float(m.group(2)), m.re is _SUN_CORRECTED


_scalings = [_scaling(s["expression"]) for s in INPUT["value_scaling"]]
SCALE = np.array([s for s, _, _ in _scalings], dtype=np.float64).reshape(-1, 1, 1)
OFFSET = np.array([o for _, o, _ in _scalings], dtype=np.float64).reshape(-1, 1, 1)
CORRECTED = np.array([c for _, _, c in _scalings]).reshape(-1, 1, 1)

_options = ort.SessionOptions()
_options.intra_op_num_threads = int(os.environ.get("ORT_THREADS", "1"))  # one per uvicorn worker process
SESSION = ort.InferenceSession(os.path.join(MODEL_DIR, "model.onnx"), _options,
                               providers=["CPUExecutionProvider"])
INPUT_NAME = SESSION.get_inputs()[0].name

app = FastAPI()


@app.get("/v2/health/ready")
def ready():
    return {"ready": True}


def _divisor(sun_elevation):
    """Each band's divisor for the query's ?sun_elevation= (a string; None when not given): its sine for a band
    corrected for the sun angle, else 1."""
    if sun_elevation is None:
        if CORRECTED.any():
            raise HTTPException(422, "query parameter sun_elevation: missing, expected the sun's elevation at the "
                                     "tile in degrees: the model corrects its bands for the sun angle")
        return np.ones_like(SCALE)
    try:
        degrees = float(sun_elevation)
    except ValueError:
        degrees = math.nan
    if not 1 <= degrees <= 90:
        raise HTTPException(400, f"query parameter sun_elevation: found {sun_elevation!r}, expected the sun's "
                                 f"elevation at the tile in degrees above the horizon, from 1 to 90")
    # the C library's sin: the same bits as tileinfer's StrictMath.sin for the 64.74360932 that bench/api/run.sh sends
    # (checked with jshell), not for every angle
    return np.where(CORRECTED, math.sin(math.radians(degrees)), 1.0)


def _infer(data: bytes, divisor):
    with tifffile.TiffFile(io.BytesIO(data)) as tif:
        page = tif.pages[0]
        values = tif.asarray()
        nodata = page.tags.get("GDALNoDataTagValue")
        planar = page.planarconfig == tifffile.PLANARCONFIG.SEPARATE
    if values.ndim == 2:
        values = values[np.newaxis]
    elif not planar:
        values = np.moveaxis(values, -1, 0)  # pixel-interleaved: [H, W, C] -> [C, H, W]
    c, h, w = values.shape
    if c != SCALE.shape[0]:
        return 422, {"error": f"found {c} bands, expected {SCALE.shape[0]}"}
    raw = values.astype(np.float32)
    input_sha256 = hashlib.sha256(raw.astype("<f4").tobytes()).hexdigest()
    valid = np.ones((h, w), dtype=bool)
    if nodata is not None:
        valid = ~(raw == np.float32(float(nodata.value.strip("\x00")))).any(axis=0)
    # the division folded into the scale and offset, in float64 and rounded once, as tileinfer's InputScaling
    scaled = (raw * (SCALE / divisor) + OFFSET / divisor).astype(np.float32)
    probabilities = SESSION.run(None, {INPUT_NAME: scaled[np.newaxis]})[0][0]
    classes = probabilities.argmax(axis=0)
    n_valid = int(valid.sum())
    counts = np.bincount(classes[valid], minlength=len(CLASSES))
    fractions = {name: (float(counts[k]) / n_valid if n_valid else 0.0) for k, name in enumerate(CLASSES)}
    return 200, {"model_name": NAME, "model_version": VERSION, "input_sha256": input_sha256,
                 "file_sha256": hashlib.sha256(data).hexdigest(), "width": w, "height": h,
                 "valid_pixels": n_valid, "class_fractions": fractions}


@app.post("/v1/predict")
async def predict_tiff(request: Request):
    data = await request.body()
    divisor = _divisor(request.query_params.get("sun_elevation"))
    # inference off the event loop, in the thread pool, as FastAPI does for a plain `def` route
    status, answer = await run_in_threadpool(_infer, data, divisor)
    answer["request_id"] = str(uuid.uuid4())
    return JSONResponse(answer, status_code=status, headers={"X-Model-Version": VERSION})
