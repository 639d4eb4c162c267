/*
 * The GDAL reference decode loop: every SIZE x SIZE window of a raster (the tile grid of tileinfer with halo 0,
 * edge windows clipped to the raster), all bands, read with GDALDatasetRasterIO into a float32 band-sequential
 * buffer, exactly the call and buffer type that tileinfer's RasterReader makes. THREADS threads, each with its
 * own dataset handle, take batches of 8 consecutive windows in turn, in tileinfer's batch order (two grid rows at
 * a time, column by column: ScenePlan.batchOrder), as tileinfer's workers do. GDAL_CACHEMAX
 * is 128 MB as in tileinfer. Prints: seconds, windows, pixels, checksum. With "sum", the checksum is the sum of
 * all values as integers, to check that tileinfer's readers return the same values (run.sh does so once, untimed);
 * without it, the sum of each window's first value: the timed runs measure the decode, not a summing loop (which
 * took 0.4 s of 3.2 s here, and would compare C's loop with Java's). REPEATS passes over all windows in one
 * process, one line each (run.sh times the last one, as it does tileinfer's harnesses after their JIT warm-up).
 *   gdal_windows FILE SIZE THREADS [REPEATS [sum]]
 */
#include <gdal.h>
#include <cpl_conv.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *path;
static int size, width, height, bands, cols, rows, batches;
static atomic_int next_batch;
static int sum_all;

typedef struct { uint64_t checksum; long windows; } result_t;

static void *worker(void *arg) {
    result_t *res = arg;
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    if (!ds) { fprintf(stderr, "cannot open %s\n", path); exit(1); }
    float *buf = malloc((size_t)size * size * bands * sizeof(float));
    int *band_map = malloc(sizeof(int) * bands);
    for (int b = 0; b < bands; b++) band_map[b] = b + 1;
    int batch;
    while ((batch = atomic_fetch_add(&next_batch, 1)) < batches) {
        for (int i = batch * 8; i < batch * 8 + 8 && i < cols * rows; i++) {
            /* two rows at a time, column by column; a last odd row alone */
            int pair = i / (2 * cols), k = i % (2 * cols), in_pair = 2 * pair + 1 < rows ? 2 : 1;
            int x = (k / in_pair) * size, y = (2 * pair + k % in_pair) * size;
            int w = x + size > width ? width - x : size, h = y + size > height ? height - y : size;
            if (GDALDatasetRasterIO(ds, GF_Read, x, y, w, h, buf, w, h, GDT_Float32, bands, band_map,
                                    sizeof(float), (GSpacing)sizeof(float) * w,
                                    (GSpacing)sizeof(float) * w * h) != CE_None) {
                fprintf(stderr, "read failed at %d,%d\n", x, y); exit(1);
            }
            uint64_t sum = (uint64_t)buf[0];
            if (sum_all) for (long p = 1, n = (long)w * h * bands; p < n; p++) sum += (uint64_t)buf[p];
            res->checksum += sum;
            res->windows++;
        }
    }
    free(buf); free(band_map);
    GDALClose(ds);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 4 || argc > 6) { fprintf(stderr, "usage: gdal_windows FILE SIZE THREADS [REPEATS [sum]]\n"); return 2; }
    path = argv[1]; size = atoi(argv[2]); int threads = atoi(argv[3]);
    int repeats = argc >= 5 ? atoi(argv[4]) : 1; sum_all = argc == 6;
    if (repeats < 1 || (argc == 6 && strcmp(argv[5], "sum") != 0)) {
        fprintf(stderr, "usage: gdal_windows FILE SIZE THREADS [REPEATS [sum]]\n"); return 2;
    }
    GDALAllRegister();
    if (!getenv("GDAL_CACHEMAX")) CPLSetConfigOption("GDAL_CACHEMAX", "128");
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    if (!ds) return 1;
    width = GDALGetRasterXSize(ds); height = GDALGetRasterYSize(ds); bands = GDALGetRasterCount(ds);
    GDALClose(ds);
    cols = (width + size - 1) / size; rows = (height + size - 1) / size; batches = (cols * rows + 7) / 8;
    for (int pass = 0; pass < repeats; pass++) {
        pthread_t t[64]; result_t r[64] = {0};
        atomic_store(&next_batch, 0);
        struct timespec start, end;
        clock_gettime(CLOCK_MONOTONIC, &start);
        for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, worker, &r[i]);
        uint64_t checksum = 0; long windows = 0;
        for (int i = 0; i < threads; i++) { pthread_join(t[i], NULL); checksum += r[i].checksum; windows += r[i].windows; }
        clock_gettime(CLOCK_MONOTONIC, &end);
        double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
        printf("%.3f %ld %lld %llu\n", seconds, windows, (long long)width * height, (unsigned long long)checksum);
        fflush(stdout);
    }
    return 0;
}
