"""Compares two prediction rasters band by band, in strips: prints 'identical' or the count of differing pixels
per band (and of class-map pixels that differ by more than nothing). usage: compare.py A.tif B.tif"""
import sys

import numpy as np
import rasterio
from rasterio.windows import Window

with rasterio.open(sys.argv[1]) as a, rasterio.open(sys.argv[2]) as b:
    if (a.width, a.height, a.count) != (b.width, b.height, b.count):
        print(f"DIFFERENT shape: {a.width}x{a.height}x{a.count} vs {b.width}x{b.height}x{b.count}")
        sys.exit(1)
    diffs = [0] * a.count
    for y in range(0, a.height, 1024):
        w = Window(0, y, a.width, min(1024, a.height - y))
        x, z = a.read(window=w), b.read(window=w)
        for band in range(a.count):
            diffs[band] += int((x[band] != z[band]).sum())
    total = a.width * a.height
    if not any(diffs):
        print("identical")
    else:
        print("DIFFERENT: " + ", ".join(f"band {i + 1}: {d} of {total} px" for i, d in enumerate(diffs)))
        sys.exit(1)
