// Plain-C face of Footfall's OpenCV shim. Every entry point catches C++ exceptions and
// reports them through an error buffer, so Swift never sees a C++ exception.
#ifndef FOOTFALL_COPENCV_H
#define FOOTFALL_COPENCV_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ff_box {
    float x, y, width, height;
} ff_box;

typedef struct ff_point {
    float x, y;
} ff_point;

typedef struct ff_motion ff_motion;

/// Creates a motion detector: MOG2 background subtraction on a frame scaled by `scale`
/// (0 < scale <= 1), then morphology and external contours. Blobs smaller than
/// `min_area` (in source pixels) are dropped. Returns NULL and fills `err` on failure.
ff_motion *ff_motion_create(int history, double var_threshold, double scale, double min_area,
                            char *err, int err_len);

/// Finds moving blobs in a packed BGR frame. Writes at most `max_boxes` boxes in source
/// pixels and returns how many were found (possibly more than written), or -1 on error.
int ff_motion_detect(ff_motion *motion, const uint8_t *bgr, int width, int height,
                     ff_box *boxes, int max_boxes, char *err, int err_len);

void ff_motion_destroy(ff_motion *motion);

/// Draws lines (pairs of points), zone polygons and boxes on a copy of a packed BGR frame
/// and encodes it as JPEG. On success `*out` holds `*out_len` bytes to free with `ff_free`.
/// `polygon_sizes[i]` is the number of points of polygon i, taken in order from `polygon_points`.
int ff_render_jpeg(const uint8_t *bgr, int width, int height,
                   const ff_point *line_points, int line_count,
                   const ff_point *polygon_points, const int *polygon_sizes, int polygon_count,
                   const ff_box *boxes, const int *box_ids, int box_count,
                   int quality, uint8_t **out, size_t *out_len, char *err, int err_len);

void ff_free(void *pointer);

/// Limits OpenCV's own worker threads (0 lets OpenCV choose).
void ff_set_threads(int threads);

#ifdef __cplusplus
}
#endif

#endif
