#include "copencv.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/video/background_segm.hpp>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

struct ff_motion {
    cv::Ptr<cv::BackgroundSubtractorMOG2> subtractor;
    double scale;
    double min_area;
    cv::Mat small, mask, kernel_open, kernel_close;
    std::vector<std::vector<cv::Point>> contours;
};

static void fill_error(char *err, int err_len, const char *message) {
    if (err == nullptr || err_len <= 0) return;
    std::strncpy(err, message, static_cast<size_t>(err_len) - 1);
    err[err_len - 1] = '\0';
}

ff_motion *ff_motion_create(int history, double var_threshold, double scale, double min_area,
                            char *err, int err_len) {
    try {
        if (!(scale > 0 && scale <= 1)) {
            fill_error(err, err_len, "scale must be in (0, 1]");
            return nullptr;
        }
        auto *motion = new ff_motion();
        motion->subtractor = cv::createBackgroundSubtractorMOG2(history, var_threshold, true);
        motion->scale = scale;
        motion->min_area = min_area;
        motion->kernel_open = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(3, 3));
        motion->kernel_close = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(7, 7));
        return motion;
    } catch (const std::exception &e) {
        fill_error(err, err_len, e.what());
        return nullptr;
    }
}

int ff_motion_detect(ff_motion *motion, const uint8_t *bgr, int width, int height,
                     ff_box *boxes, int max_boxes, char *err, int err_len) {
    try {
        cv::Mat frame(height, width, CV_8UC3, const_cast<uint8_t *>(bgr));
        if (motion->scale < 1) {
            cv::resize(frame, motion->small, cv::Size(), motion->scale, motion->scale, cv::INTER_AREA);
        } else {
            motion->small = frame;
        }
        motion->subtractor->apply(motion->small, motion->mask);
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
                   const ff_point *line_points, int line_count,
                   const ff_point *polygon_points, const int *polygon_sizes, int polygon_count,
                   const ff_box *boxes, const int *box_ids, int box_count,
                   int quality, uint8_t **out, size_t *out_len, char *err, int err_len) {
    try {
        cv::Mat image = cv::Mat(height, width, CV_8UC3, const_cast<uint8_t *>(bgr)).clone();
        const int thickness = std::max(2, width / 400);
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

void ff_free(void *pointer) { std::free(pointer); }

void ff_set_threads(int threads) { cv::setNumThreads(threads); }
