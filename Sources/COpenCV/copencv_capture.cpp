#include "copencv.h"

#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

struct ff_capture {
    cv::VideoCapture capture;
    cv::Mat frame;
};

static void capture_error(char *err, int err_len, const char *message) {
    if (err == nullptr || err_len <= 0) return;
    std::strncpy(err, message, static_cast<size_t>(err_len) - 1);
    err[err_len - 1] = '\0';
}

// OpenCV's FFmpeg backend reads its options from the environment at each open. The first open
// sets RTSP over TCP there, unless the operator set options of their own; TCP opens then share
// the lock, so a camera that hangs while opening never holds up another's. A camera asking for
// UDP holds the lock alone while it opens with UDP set, and puts the options back.
static std::shared_mutex environment_lock;
static bool environment_ready = false;
static std::string tcp_options;

static void prepare_environment() {
    if (environment_ready) return;
    const char *given = std::getenv("OPENCV_FFMPEG_CAPTURE_OPTIONS");
    tcp_options = given != nullptr ? given : "rtsp_transport;tcp";
    setenv("OPENCV_FFMPEG_CAPTURE_OPTIONS", tcp_options.c_str(), 1);
    environment_ready = true;
}

ff_capture *ff_capture_open(const char *source, int tcp, int open_timeout_ms, int read_timeout_ms,
                            char *err, int err_len) {
    try {
        auto capture = std::make_unique<ff_capture>();
        std::vector<int> parameters;
        if (open_timeout_ms > 0) {
            parameters.push_back(cv::CAP_PROP_OPEN_TIMEOUT_MSEC);
            parameters.push_back(open_timeout_ms);
        }
        if (read_timeout_ms > 0) {
            parameters.push_back(cv::CAP_PROP_READ_TIMEOUT_MSEC);
            parameters.push_back(read_timeout_ms);
        }
        bool opened;
        if (tcp) {
            std::shared_lock<std::shared_mutex> shared(environment_lock);
            if (!environment_ready) {
                shared.unlock();
                {
                    std::unique_lock<std::shared_mutex> alone(environment_lock);
                    prepare_environment();
                }
                shared.lock();
            }
            opened = capture->capture.open(source, cv::CAP_FFMPEG, parameters);
        } else {
            std::unique_lock<std::shared_mutex> alone(environment_lock);
            prepare_environment();
            setenv("OPENCV_FFMPEG_CAPTURE_OPTIONS", "rtsp_transport;udp", 1);
            try {
                opened = capture->capture.open(source, cv::CAP_FFMPEG, parameters);
            } catch (...) {
                setenv("OPENCV_FFMPEG_CAPTURE_OPTIONS", tcp_options.c_str(), 1);
                throw;
            }
            setenv("OPENCV_FFMPEG_CAPTURE_OPTIONS", tcp_options.c_str(), 1);
        }
        if (!opened) {
            capture_error(err, err_len, "the source could not be opened or holds no video it can decode");
            return nullptr;
        }
        return capture.release();
    } catch (const std::exception &e) {
        capture_error(err, err_len, e.what());
        return nullptr;
    }
}

void ff_capture_info(ff_capture *capture, int *width, int *height, double *fps, int *frames) {
    *width = 0;
    *height = 0;
    *fps = 0;
    *frames = -1;
    try {
        *width = static_cast<int>(capture->capture.get(cv::CAP_PROP_FRAME_WIDTH));
        *height = static_cast<int>(capture->capture.get(cv::CAP_PROP_FRAME_HEIGHT));
        *fps = capture->capture.get(cv::CAP_PROP_FPS);
        const double count = capture->capture.get(cv::CAP_PROP_FRAME_COUNT);
        *frames = count > 0 ? static_cast<int>(count) : -1;
    } catch (const std::exception &) {
        // Unknown: the caller falls back to the first frame's size and 25 frames/s.
    }
}

int ff_capture_read(ff_capture *capture, uint8_t *bgr, size_t capacity, int *width, int *height,
                    char *err, int err_len) {
    try {
        if (!capture->capture.grab()) return 0;
        // Retrieved into the caller's buffer when the size is the one it expects.
        if (*width > 0 && *height > 0 && static_cast<size_t>(*width) * static_cast<size_t>(*height) * 3 <= capacity) {
            cv::Mat target(*height, *width, CV_8UC3, bgr);
            if (!capture->capture.retrieve(target)) return 0;
            if (target.data == bgr && target.cols == *width && target.rows == *height) return 1;
            capture->frame = target;
        } else if (!capture->capture.retrieve(capture->frame)) {
            return 0;
        }
        // The stream changed size (or the first frame): say so; the caller reads it with
        // ff_capture_take into a buffer of the new size.
        if (capture->frame.empty() || capture->frame.type() != CV_8UC3) {
            capture_error(err, err_len, "the decoder gave a frame that is not 8-bit BGR");
            return -1;
        }
        *width = capture->frame.cols;
        *height = capture->frame.rows;
        return 2;
    } catch (const std::exception &e) {
        capture_error(err, err_len, e.what());
        return -1;
    }
}

int ff_capture_skip(ff_capture *capture) {
    try {
        return capture->capture.grab() ? 1 : 0;
    } catch (const std::exception &) {
        return 0;
    }
}

int ff_capture_take(ff_capture *capture, uint8_t *bgr, size_t capacity) {
    try {
        const cv::Mat &frame = capture->frame;
        const size_t bytes = static_cast<size_t>(frame.cols) * static_cast<size_t>(frame.rows) * 3;
        if (frame.empty() || bytes > capacity) return -1;
        cv::Mat target(frame.rows, frame.cols, CV_8UC3, bgr);
        frame.copyTo(target);
        capture->frame.release();
        return 1;
    } catch (const std::exception &) {
        return -1;
    }
}

int ff_capture_rewind(ff_capture *capture) {
    try {
        return capture->capture.set(cv::CAP_PROP_POS_FRAMES, 0) ? 0 : -1;
    } catch (const std::exception &) {
        return -1;
    }
}

void ff_capture_close(ff_capture *capture) {
    try {
        delete capture;
    } catch (...) {
        // A destructor that throws leaves nothing more to free.
    }
}
