#include "copencv.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/objdetect.hpp>
#include <opencv2/video/background_segm.hpp>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <vector>

struct ff_motion {
    cv::Ptr<cv::BackgroundSubtractorMOG2> subtractor;
    double scale;
    double min_area;
    bool grey;
    cv::Mat small, grey_small, mask, kernel_open, kernel_close;
    std::vector<std::vector<cv::Point>> contours;
    // The single-Gaussian model (no subtractor): per pixel, the mean of each channel and one
    // variance shared by the channels, as MOG2 keeps for each of its components.
    int history = 0;
    float var_threshold = 0;
    long frames = 0;
    cv::Mat mean, variance;
};

// On x86-64, the hot loops are built for AVX2 as well as the baseline, the variant chosen at
// run time, so one binary runs on any x86-64; elsewhere they are built once.
#if defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define FF_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#endif
#endif
#ifndef FF_VECTOR_CLONES
#define FF_VECTOR_CLONES
#endif

namespace {

// MOG2's starting variance and bounds. As in MOG2, the variance is that of the squared
// distance summed over the channels, not of one channel.
constexpr float gaussian_variance_initial = 15.0f;
constexpr float gaussian_variance_min = 4.0f;
constexpr float gaussian_variance_max = 75.0f;
// A pixel seen as foreground teaches the background a tenth as fast, so that a person who
// stands still fades into it slowly, as in MOG2.
constexpr float gaussian_foreground_rate = 0.1f;

// One pass over the pixels: foreground when the squared distance to the mean, summed over the
// channels, exceeds `threshold` times the variance (MOG2's test), then both move towards the
// pixel. Most of the model's cost is here, hence `FF_VECTOR_CLONES`.
template <int Channels>
static inline void gaussian_step(const uint8_t *pixels, float *mean, float *variance, uint8_t *mask, int count,
                                 float rate, float threshold) {
    for (int i = 0; i < count; i++) {
        float distance = 0;
        float delta[Channels];
        for (int c = 0; c < Channels; c++) {
            delta[c] = static_cast<float>(pixels[Channels * i + c]) - mean[Channels * i + c];
            distance += delta[c] * delta[c];
        }
        const bool foreground = distance > threshold * variance[i];
        // MOG2's shadow test: a pixel that is the background's colour at 0.5 to 1 times its
        // brightness is a shadow, left out of the mask (but still foreground to the model). In
        // grey, as in MOG2, that is any pixel at 0.5 to 1 times the background's brightness.
        float dot = 0, norm = 1e-3f;
        for (int c = 0; c < Channels; c++) {
            const float m = mean[Channels * i + c];
            dot += static_cast<float>(pixels[Channels * i + c]) * m;
            norm += m * m;
        }
        const float ratio = dot / norm;
        float off = 0;
        for (int c = 0; c < Channels; c++) {
            const float e = static_cast<float>(pixels[Channels * i + c]) - ratio * mean[Channels * i + c];
            off += e * e;
        }
        const bool shadow = ratio >= 0.5f && ratio <= 1.0f && off < threshold * variance[i] * ratio * ratio;
        mask[i] = foreground && !shadow ? 255 : 0;
        const float r = foreground ? rate * gaussian_foreground_rate : rate;
        for (int c = 0; c < Channels; c++) mean[Channels * i + c] += r * delta[c];
        const float updated = variance[i] + r * (distance - variance[i]);
        variance[i] = std::min(gaussian_variance_max, std::max(gaussian_variance_min, updated));
    }
}

FF_VECTOR_CLONES
static void gaussian_step_colour(const uint8_t *pixels, float *mean, float *variance, uint8_t *mask, int count,
                                 float rate, float threshold) {
    gaussian_step<3>(pixels, mean, variance, mask, count, rate, threshold);
}

FF_VECTOR_CLONES
static void gaussian_step_grey(const uint8_t *pixels, float *mean, float *variance, uint8_t *mask, int count,
                               float rate, float threshold) {
    gaussian_step<1>(pixels, mean, variance, mask, count, rate, threshold);
}

// Foreground mask of `image` (8-bit, 1 or 3 channels, continuous) under the single-Gaussian
// model; the first frame, or a frame of another size, starts the model again.
static void gaussian_apply(ff_motion *motion, const cv::Mat &image, cv::Mat &mask) {
    const int channels = image.channels();
    if (motion->mean.size() != image.size() || motion->mean.channels() != channels) {
        image.convertTo(motion->mean, CV_MAKETYPE(CV_32F, channels));
        motion->variance = cv::Mat(image.size(), CV_32F, cv::Scalar(gaussian_variance_initial));
        mask = cv::Mat::zeros(image.size(), CV_8U);
        motion->frames = 1;
        return;
    }
    motion->frames++;
    mask.create(image.size(), CV_8U);
    // MOG2's learning rate: fast while the model is young, then 1 / history.
    const float rate = 1.0f / static_cast<float>(std::min<long>(2 * motion->frames, motion->history));
    const cv::Mat input = image.isContinuous() ? image : image.clone();
    const int count = static_cast<int>(input.total());
    if (channels == 3) {
        gaussian_step_colour(input.ptr<uint8_t>(), motion->mean.ptr<float>(), motion->variance.ptr<float>(),
                             mask.ptr<uint8_t>(), count, rate, motion->var_threshold);
    } else {
        CV_Assert(channels == 1);
        gaussian_step_grey(input.ptr<uint8_t>(), motion->mean.ptr<float>(), motion->variance.ptr<float>(),
                           mask.ptr<uint8_t>(), count, rate, motion->var_threshold);
    }
}

} // namespace

static void fill_error(char *err, int err_len, const char *message) {
    if (err == nullptr || err_len <= 0) return;
    std::strncpy(err, message, static_cast<size_t>(err_len) - 1);
    err[err_len - 1] = '\0';
}

// An odd kernel size for `size` pixels at scale 0.5, made proportional to `scale`, at least 3.
static int scaled_kernel(double size, double scale) {
    int n = static_cast<int>(std::lround(size * scale / 0.5));
    return std::max(3, n | 1);
}

ff_motion *ff_motion_create(int history, double var_threshold, double scale, double min_area, int grey,
                            int model, char *err, int err_len) {
    try {
        if (!(scale > 0 && scale <= 1)) {
            fill_error(err, err_len, "scale must be in (0, 1]");
            return nullptr;
        }
        if (model != 0 && model != 1) {
            fill_error(err, err_len, "model must be 0 (mixture) or 1 (gaussian)");
            return nullptr;
        }
        if (history < 1) {
            fill_error(err, err_len, "history must be at least 1 frame");
            return nullptr;
        }
        if (!(var_threshold > 0)) {
            fill_error(err, err_len, "variance threshold must be above 0");
            return nullptr;
        }
        // Owned until returned, so that an exception on the way frees it.
        std::unique_ptr<ff_motion> motion(new ff_motion());
        if (model == 0) {
            motion->subtractor = cv::createBackgroundSubtractorMOG2(history, var_threshold, true);
        }
        motion->history = history;
        motion->var_threshold = static_cast<float>(var_threshold);
        motion->scale = scale;
        motion->min_area = min_area;
        motion->grey = grey != 0;
        // The kernels were tuned at scale 0.5; they follow the scale so that they cover the same
        // part of a person at any scale.
        const int open = scaled_kernel(3, scale), close = scaled_kernel(7, scale);
        motion->kernel_open = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(open, open));
        motion->kernel_close = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(close, close));
        return motion.release();
    } catch (const std::exception &e) {
        fill_error(err, err_len, e.what());
        return nullptr;
    }
}

int ff_motion_detect(ff_motion *motion, const uint8_t *bgr, int width, int height,
                     ff_box *boxes, int max_boxes, char *err, int err_len) {
    try {
        cv::Mat frame(height, width, CV_8UC3, const_cast<uint8_t *>(bgr));
        // At full scale the frame itself is used: a view of the caller's pixels is never kept
        // beyond the call, where a later write into it would reach pixels no longer ours.
        if (motion->scale < 1) {
            cv::resize(frame, motion->small, cv::Size(), motion->scale, motion->scale, cv::INTER_AREA);
        }
        const cv::Mat &scaled = motion->scale < 1 ? motion->small : frame;
        if (motion->grey) {
            // One channel: the background model costs a third, and people differ from the
            // background in brightness as much as in colour.
            cv::cvtColor(scaled, motion->grey_small, cv::COLOR_BGR2GRAY);
        }
        const cv::Mat &input = motion->grey ? motion->grey_small : scaled;
        if (motion->subtractor) {
            motion->subtractor->apply(input, motion->mask);
        } else {
            gaussian_apply(motion, input, motion->mask);
        }
        // MOG2 marks shadows as 127: keep only confident foreground.
        cv::threshold(motion->mask, motion->mask, 200, 255, cv::THRESH_BINARY);
        cv::morphologyEx(motion->mask, motion->mask, cv::MORPH_OPEN, motion->kernel_open);
        cv::morphologyEx(motion->mask, motion->mask, cv::MORPH_CLOSE, motion->kernel_close);
        cv::dilate(motion->mask, motion->mask, motion->kernel_open, cv::Point(-1, -1), 2);
        motion->contours.clear();
        cv::findContours(motion->mask, motion->contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
        const double inverse = 1.0 / motion->scale;
        int found = 0;
        for (const auto &contour : motion->contours) {
            cv::Rect r = cv::boundingRect(contour);
            double area = r.area() * inverse * inverse;
            if (area < motion->min_area) continue;
            if (found < max_boxes) {
                boxes[found] = ff_box{static_cast<float>(r.x * inverse), static_cast<float>(r.y * inverse),
                                      static_cast<float>(r.width * inverse), static_cast<float>(r.height * inverse)};
            }
            found++;
        }
        return found;
    } catch (const std::exception &e) {
        fill_error(err, err_len, e.what());
        return -1;
    }
}

void ff_motion_destroy(ff_motion *motion) { delete motion; }

int ff_render_jpeg(const uint8_t *bgr, int width, int height,
                   const ff_box *regions, int region_count,
                   const ff_point *line_points, int line_count,
                   const ff_point *polygon_points, const int *polygon_sizes, int polygon_count,
                   const ff_box *boxes, const int *box_ids, int box_count,
                   int quality, uint8_t **out, size_t *out_len, char *err, int err_len) {
    try {
        cv::Mat image = cv::Mat(height, width, CV_8UC3, const_cast<uint8_t *>(bgr)).clone();
        const int thickness = std::max(2, width / 400);
        for (int i = 0; i < region_count; i++) {
            const ff_box &b = regions[i];
            cv::rectangle(image, cv::Rect(cvRound(b.x), cvRound(b.y), cvRound(b.width), cvRound(b.height)),
                          cv::Scalar(0, 220, 255), 1, cv::LINE_4);
        }
        int offset = 0;
        for (int i = 0; i < polygon_count; i++) {
            std::vector<cv::Point> polygon;
            for (int j = 0; j < polygon_sizes[i]; j++) {
                const ff_point &p = polygon_points[offset + j];
                polygon.emplace_back(cvRound(p.x), cvRound(p.y));
            }
            offset += polygon_sizes[i];
            cv::Mat overlay = image.clone();
            cv::fillPoly(overlay, std::vector<std::vector<cv::Point>>{polygon}, cv::Scalar(255, 160, 0));
            cv::addWeighted(overlay, 0.25, image, 0.75, 0, image);
            cv::polylines(image, std::vector<std::vector<cv::Point>>{polygon}, true, cv::Scalar(255, 160, 0), thickness);
        }
        for (int i = 0; i < line_count; i++) {
            const ff_point &a = line_points[2 * i];
            const ff_point &b = line_points[2 * i + 1];
            cv::Point pa(cvRound(a.x), cvRound(a.y)), pb(cvRound(b.x), cvRound(b.y));
            cv::line(image, pa, pb, cv::Scalar(0, 0, 255), thickness + 1, cv::LINE_AA);
            cv::circle(image, pa, thickness + 3, cv::Scalar(0, 0, 255), cv::FILLED);
            cv::arrowedLine(image, (pa + pb) / 2,
                            (pa + pb) / 2 + cv::Point(cvRound(-(b.y - a.y) * 0.15), cvRound((b.x - a.x) * 0.15)),
                            cv::Scalar(0, 0, 255), thickness, cv::LINE_AA, 0, 0.3);
        }
        for (int i = 0; i < box_count; i++) {
            const ff_box &b = boxes[i];
            cv::Rect r(cvRound(b.x), cvRound(b.y), cvRound(b.width), cvRound(b.height));
            cv::rectangle(image, r, cv::Scalar(0, 200, 0), thickness);
            if (box_ids != nullptr) {
                cv::putText(image, std::to_string(box_ids[i]), cv::Point(r.x, std::max(12, r.y - 4)),
                            cv::FONT_HERSHEY_SIMPLEX, 0.5, cv::Scalar(0, 200, 0), 1, cv::LINE_AA);
            }
        }
        std::vector<uchar> buffer;
        cv::imencode(".jpg", image, buffer, {cv::IMWRITE_JPEG_QUALITY, quality});
        *out = static_cast<uint8_t *>(std::malloc(buffer.size()));
        if (*out == nullptr) {
            fill_error(err, err_len, "out of memory");
            return -1;
        }
        std::memcpy(*out, buffer.data(), buffer.size());
        *out_len = buffer.size();
        return 0;
    } catch (const std::exception &e) {
        fill_error(err, err_len, e.what());
        return -1;
    }
}

struct ff_hog {
    cv::HOGDescriptor descriptor;
    double upscale;
    double hit_threshold;
    cv::Mat scaled;
    std::vector<cv::Rect> found;
    std::vector<double> weights;
};

ff_hog *ff_hog_create(double upscale, double hit_threshold, char *err, int err_len) {
    try {
        if (!(upscale > 0 && upscale <= 4)) {
            fill_error(err, err_len, "upscale must be in (0, 4]");
            return nullptr;
        }
        // Owned until returned, so that an exception on the way frees it.
        std::unique_ptr<ff_hog> hog(new ff_hog());
        hog->descriptor.setSVMDetector(cv::HOGDescriptor::getDefaultPeopleDetector());
        hog->upscale = upscale;
        hog->hit_threshold = hit_threshold;
        return hog.release();
    } catch (const std::exception &e) {
        fill_error(err, err_len, e.what());
        return nullptr;
    }
}

int ff_hog_detect(ff_hog *hog, const uint8_t *bgr, int width, int height, ff_box *boxes, float *scores,
                  int max_boxes, char *err, int err_len) {
    try {
        cv::Mat frame(height, width, CV_8UC3, const_cast<uint8_t *>(bgr));
        // Unscaled, the frame itself is used; no view of the caller's pixels is kept.
        if (hog->upscale != 1) {
            cv::resize(frame, hog->scaled, cv::Size(), hog->upscale, hog->upscale, cv::INTER_LINEAR);
        }
        const cv::Mat &input = hog->upscale != 1 ? hog->scaled : frame;
        hog->found.clear();
        hog->weights.clear();
        // No one fits in a picture smaller than the window, and OpenCV 4.6 would corrupt the
        // heap looking (16 × 16) or fail an assertion (32 × 24).
        if (input.cols < hog->descriptor.winSize.width || input.rows < hog->descriptor.winSize.height) return 0;
        hog->descriptor.detectMultiScale(input, hog->found, hog->weights, hog->hit_threshold, cv::Size(8, 8),
                                         cv::Size(), 1.05, 2.0, false);
        const double inverse = 1.0 / hog->upscale;
        int count = static_cast<int>(hog->found.size());
        for (int i = 0; i < count && i < max_boxes; i++) {
            const cv::Rect &r = hog->found[i];
            boxes[i] = ff_box{static_cast<float>(r.x * inverse), static_cast<float>(r.y * inverse),
                              static_cast<float>(r.width * inverse), static_cast<float>(r.height * inverse)};
            // SVM margins: squash to (0, 1) so they read as confidences.
            double w = i < static_cast<int>(hog->weights.size()) ? hog->weights[i] : 0;
            scores[i] = static_cast<float>(1.0 / (1.0 + std::exp(-2.0 * w)));
        }
        return count;
    } catch (const std::exception &e) {
        fill_error(err, err_len, e.what());
        return -1;
    }
}

void ff_hog_destroy(ff_hog *hog) { delete hog; }

struct ff_dnn {
    cv::dnn::Net net;
    int input_size;
    cv::Mat letterboxed, blob;
};

ff_dnn *ff_dnn_create(const char *onnx_path, int input_size, char *err, int err_len) {
    try {
        if (input_size < 32 || input_size > 4096 || input_size % 32 != 0) {
            fill_error(err, err_len, "input size must be a multiple of 32 between 32 and 4096");
            return nullptr;
        }
        // Owned until returned, so that an exception on the way frees it.
        std::unique_ptr<ff_dnn> dnn(new ff_dnn());
        dnn->net = cv::dnn::readNetFromONNX(onnx_path);
        if (dnn->net.empty()) {
            fill_error(err, err_len, "the model file holds no network");
            return nullptr;
        }
        dnn->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        dnn->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
        dnn->input_size = input_size;
        return dnn.release();
    } catch (const std::exception &e) {
        fill_error(err, err_len, e.what());
        return nullptr;
    }
}

int ff_dnn_forward(ff_dnn *dnn, const uint8_t *bgr, int width, int height, float *out, int capacity,
                   int *dims, int *ndims, char *err, int err_len) {
    try {
        cv::Mat frame(height, width, CV_8UC3, const_cast<uint8_t *>(bgr));
        const int size = dnn->input_size;
        const double scale = std::min(static_cast<double>(size) / width, static_cast<double>(size) / height);
        const int w = static_cast<int>(std::lround(width * scale)), h = static_cast<int>(std::lround(height * scale));
        const int left = (size - w) / 2, top = (size - h) / 2;
        cv::Mat resized;
        cv::resize(frame, resized, cv::Size(w, h), 0, 0, cv::INTER_LINEAR);
        cv::copyMakeBorder(resized, dnn->letterboxed, top, size - h - top, left, size - w - left, cv::BORDER_CONSTANT,
                           cv::Scalar(114, 114, 114));
        cv::dnn::blobFromImage(dnn->letterboxed, dnn->blob, 1.0 / 255.0, cv::Size(size, size), cv::Scalar(), true, false, CV_32F);
        dnn->net.setInput(dnn->blob);
        cv::Mat output = dnn->net.forward();
        if (output.dims > 8) {
            fill_error(err, err_len, "the output has more than 8 dimensions");
            return -1;
        }
        *ndims = output.dims;
        for (int i = 0; i < output.dims; i++) dims[i] = output.size[i];
        const int total = static_cast<int>(output.total());
        if (total > capacity) {
            fill_error(err, err_len, "the output is larger than the buffer");
            return -1;
        }
        cv::Mat contiguous = output.isContinuous() ? output : output.clone();
        std::memcpy(out, contiguous.ptr<float>(), sizeof(float) * total);
        return total;
    } catch (const std::exception &e) {
        fill_error(err, err_len, e.what());
        return -1;
    }
}

void ff_dnn_destroy(ff_dnn *dnn) { delete dnn; }

void ff_free(void *pointer) { std::free(pointer); }

void ff_set_threads(int threads) { cv::setNumThreads(threads); }
