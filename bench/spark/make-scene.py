#!/usr/bin/python3
"""Build a large Landsat 8 scene for the Spark benchmark from the real sample.

Mirror-tiles the ten 30 m bands of ../shared/data/landsat8-LC80200392015216 (B1-B7, B9-B11, the reference
cloud-mask model's input) up to SIZE x SIZE pixels and writes one ten-band Cloud-Optimized GeoTIFF with the
band names as descriptions and the scene's acquisition time. Needs Debian's python3-gdal.

usage: make-scene.py OUT.tif [--size 4096]
"""
import argparse
import os
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()
HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "..", "..", "shared", "data", "landsat8-LC80200392015216")
BANDS = ["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B9", "B10", "B11"]


def mirrored(band: np.ndarray, size: int) -> np.ndarray:
    # reflect-tile the real block so that no seam shows, then crop
    block = np.block([[band, band[:, ::-1]], [band[::-1, :], band[::-1, ::-1]]])
    reps = (size // block.shape[0] + 1, size // block.shape[1] + 1)
    return np.tile(block, reps)[:size, :size]


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--size", type=int, default=4096)
    a = p.parse_args()
    first = gdal.Open(os.path.join(SRC, BANDS[0] + ".tif"))
    mem = gdal.GetDriverByName("MEM").Create("", a.size, a.size, len(BANDS), gdal.GDT_UInt16)
    mem.SetProjection(first.GetProjection())
    mem.SetGeoTransform(first.GetGeoTransform())
    for i, name in enumerate(BANDS, start=1):
        band = mem.GetRasterBand(i)
        band.WriteArray(mirrored(gdal.Open(os.path.join(SRC, name + ".tif")).ReadAsArray(), a.size))
        band.SetDescription(name)
    mem.SetMetadataItem("TIFFTAG_DATETIME", "2015:08:04 16:19:21")
    gdal.Translate(a.out, mem, format="COG",
                   creationOptions=["COMPRESS=DEFLATE", "PREDICTOR=2", "BLOCKSIZE=512", "OVERVIEWS=NONE",
                                    "NUM_THREADS=ALL_CPUS"])
    print(a.out, a.size, "x", a.size, os.path.getsize(a.out), "bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
