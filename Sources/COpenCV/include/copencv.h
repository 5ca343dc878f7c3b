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

/// Creates a motion detector: background subtraction on a frame scaled by `scale`
/// (0 < scale <= 1), in grey when `grey` is not 0, then morphology (kernels proportional to
/// the scale) and external contours. `model` 0 is OpenCV's MOG2 (a mixture of Gaussians per
/// pixel, shadows left out); 1 is one Gaussian per pixel, with the same history, variance
/// threshold and shadow test, at a fraction of MOG2's cost. Blobs smaller than `min_area` (in
/// source pixels) are dropped. Returns NULL and fills `err` on failure.
ff_motion *ff_motion_create(int history, double var_threshold, double scale, double min_area, int grey,
                            int model, char *err, int err_len);

/// Finds moving blobs in a packed BGR frame. Writes at most `max_boxes` boxes in source
/// pixels and returns how many were found (possibly more than written), or -1 on error.
int ff_motion_detect(ff_motion *motion, const uint8_t *bgr, int width, int height,
                     ff_box *boxes, int max_boxes, char *err, int err_len);

void ff_motion_destroy(ff_motion *motion);

/// Draws detector regions (thin yellow outlines), lines (pairs of points), zone
/// polygons and boxes on a copy of a packed BGR frame and encodes it as JPEG. On success `*out`
/// holds `*out_len` bytes to free with `ff_free`. `polygon_sizes[i]` is the number of points of
/// polygon i, taken in order from `polygon_points`.
int ff_render_jpeg(const uint8_t *bgr, int width, int height,
                   const ff_box *regions, int region_count,
                   const ff_point *line_points, int line_count,
                   const ff_point *polygon_points, const int *polygon_sizes, int polygon_count,
                   const ff_box *boxes, const int *box_ids, int box_count,
                   int quality, uint8_t **out, size_t *out_len, char *err, int err_len);

void ff_free(void *pointer);

typedef struct ff_hog ff_hog;

/// OpenCV's built-in HOG people detector. The frame is scaled by `upscale` first (people
/// smaller than the 64×128 window need > 1). Returns NULL and fills `err` on failure.
ff_hog *ff_hog_create(double upscale, double hit_threshold, char *err, int err_len);

/// Writes at most `max_boxes` boxes (source pixels) and their scores; returns the number
/// found, or -1 on error.
int ff_hog_detect(ff_hog *hog, const uint8_t *bgr, int width, int height, ff_box *boxes, float *scores,
                  int max_boxes, char *err, int err_len);

void ff_hog_destroy(ff_hog *hog);

typedef struct ff_dnn ff_dnn;

/// Loads an ONNX model with OpenCV DNN for square inputs of `input_size` pixels.
/// Returns NULL and fills `err` when the file cannot be read or the graph is not supported.
ff_dnn *ff_dnn_create(const char *onnx_path, int input_size, char *err, int err_len);

/// Letterboxes a packed BGR frame (grey 114 padding, RGB, 1/255), runs the network and copies
/// its first output into `out` (at most `capacity` floats) and its shape into `dims`
/// (at most 8, count in `*ndims`). Returns the number of floats in the output, or -1 on error.
int ff_dnn_forward(ff_dnn *dnn, const uint8_t *bgr, int width, int height, float *out, int capacity,
                   int *dims, int *ndims, char *err, int err_len);

void ff_dnn_destroy(ff_dnn *dnn);

/// Writes the structure of a frozen TensorFlow graph (`.pb`) as protobuf text: every node with
/// its inputs and attributes, large constant contents left out. Returns 0, or -1 and fills `err`.
int ff_tf_write_text_graph(const char *graph_path, const char *out_path, char *err, int err_len);

typedef struct ff_ssd ff_ssd;

/// Loads an SSD detector trained with TensorFlow's object detection API: the frozen graph and
/// the text graph that describes it to OpenCV. The class predictors must give `classes` classes
/// (background left out). Returns NULL and fills `err` when a file cannot be read, the graph is
/// not an SSD detector or its classes differ.
ff_ssd *ff_ssd_create(const char *graph_path, const char *text_graph_path, int classes, char *err, int err_len);

/// A rectangle of a packed BGR image, given to the network as one input.
typedef struct ff_crop {
    const uint8_t *bgr;
    int image_width, image_height;
    int x, y, width, height;
} ff_crop;

/// Runs the network once on `count` crops, each resized to `input_width` × `input_height` (no
/// resizing when the crop has that size) and given as raw 0-255 RGB, all in one batch.
/// Writes rows of 7 floats `[crop index, label, score, x1, y1, x2, y2]` (corners relative to the
/// crop, 0-1) into `rows`, at most `max_rows`; returns the number of rows, or -1 on error.
int ff_ssd_forward(ff_ssd *ssd, const ff_crop *crops, int count, int input_width, int input_height,
                   float *rows, int max_rows, char *err, int err_len);

void ff_ssd_destroy(ff_ssd *ssd);

/// Limits OpenCV's own worker threads (0 lets OpenCV choose).
void ff_set_threads(int threads);

#ifdef __cplusplus
}
#endif

#endif
