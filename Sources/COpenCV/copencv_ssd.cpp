// TensorFlow SSD detectors through OpenCV DNN: reading the graph's structure for the text
// graph generator, loading a graph with its text graph, and batched forward passes.
#include "copencv.h"

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdio>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

void fill_error(char *err, int err_len, const std::string &message) {
    if (err == nullptr || err_len <= 0) return;
    std::strncpy(err, message.c_str(), static_cast<size_t>(err_len) - 1);
    err[err_len - 1] = '\0';
}

bool readable(const char *path) {
    std::FILE *file = std::fopen(path, "rb");
    if (file == nullptr) return false;
    std::fclose(file);
    return true;
}

bool ends_with(const std::string &text, const std::string &suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

struct ff_ssd {
    cv::dnn::Net net;
    cv::Mat blob;
};

int ff_tf_write_text_graph(const char *graph_path, const char *out_path, char *err, int err_len) {
    try {
        if (!readable(graph_path)) {
            fill_error(err, err_len, std::string("cannot read ") + graph_path);
            return -1;
        }
        cv::dnn::writeTextGraph(graph_path, out_path);
        return 0;
    } catch (const std::exception &e) {
        fill_error(err, err_len, e.what());
        return -1;
    }
}

ff_ssd *ff_ssd_create(const char *graph_path, const char *text_graph_path, int classes, char *err, int err_len) {
    try {
        for (const char *path : {graph_path, text_graph_path}) {
            if (!readable(path)) {
                fill_error(err, err_len, std::string("cannot read ") + path);
                return nullptr;
            }
        }
        // Owned until returned, so that an exception on the way frees it.
        std::unique_ptr<ff_ssd> ssd(new ff_ssd());
        ssd->net = cv::dnn::readNetFromTensorflow(graph_path, text_graph_path);
        std::vector<std::string> names = ssd->net.getLayerNames();
        if (ssd->net.empty() || names.empty() ||
            ssd->net.getLayer(ssd->net.getLayerId(names.back()))->type != "DetectionOutput") {
            fill_error(err, err_len, "the text graph does not end in a DetectionOutput layer: not an SSD detector");
            return nullptr;
        }
        // Each feature map has a box predictor (4 numbers per anchor) and a class predictor
        // (background + classes per anchor): their widths give the number of classes.
        std::map<std::string, int> box_channels, class_channels;
        for (const std::string &name : names) {
            cv::Ptr<cv::dnn::Layer> layer = ssd->net.getLayer(ssd->net.getLayerId(name));
            if (layer->type != "Convolution" || layer->blobs.empty()) continue;
            const int channels = layer->blobs[0].size[0];
            if (ends_with(name, "/BoxEncodingPredictor/Conv2D")) {
                box_channels[name.substr(0, name.size() - std::strlen("/BoxEncodingPredictor/Conv2D"))] = channels;
            } else if (ends_with(name, "/ClassPredictor/Conv2D")) {
                class_channels[name.substr(0, name.size() - std::strlen("/ClassPredictor/Conv2D"))] = channels;
            }
        }
        if (class_channels.empty() || class_channels.size() != box_channels.size()) {
            fill_error(err, err_len, "no box and class predictor layers (BoxPredictor_N/ClassPredictor) were found: "
                                     "not an SSD graph of TensorFlow's object detection API");
            return nullptr;
        }
        for (const auto &entry : class_channels) {
            auto box = box_channels.find(entry.first);
            const int anchors = box == box_channels.end() ? 0 : box->second / 4;
            if (anchors <= 0 || entry.second % anchors != 0) {
                fill_error(err, err_len, "the predictors of " + entry.first + " do not agree on the number of anchors");
                return nullptr;
            }
            const int found = entry.second / anchors - 1;
            if (found != classes) {
                fill_error(err, err_len, "the model predicts " + std::to_string(found) + " classes per box (" +
                                             entry.first + "), not " + std::to_string(classes));
                return nullptr;
            }
        }
        ssd->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        ssd->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
        return ssd.release();
    } catch (const std::exception &e) {
        fill_error(err, err_len, e.what());
        return nullptr;
    }
}

int ff_ssd_forward(ff_ssd *ssd, const ff_crop *crops, int count, int input_width, int input_height,
                   float *rows, int max_rows, char *err, int err_len) {
    try {
        if (count <= 0 || input_width < 16 || input_height < 16) {
            fill_error(err, err_len, "need at least one crop and an input of at least 16 × 16 pixels");
            return -1;
        }
        // Local, not kept between calls: an input of the right size is a view of the caller's
        // pixels, and a kept view would have a later resize write into pixels no longer ours.
        std::vector<cv::Mat> inputs(static_cast<size_t>(count));
        for (int i = 0; i < count; i++) {
            const ff_crop &crop = crops[i];
            // Written so that no sum can overflow.
            if (crop.bgr == nullptr || crop.width <= 0 || crop.height <= 0 || crop.x < 0 || crop.y < 0 ||
                crop.x > crop.image_width - crop.width || crop.y > crop.image_height - crop.height) {
                fill_error(err, err_len, "crop " + std::to_string(i) + " lies outside its image");
                return -1;
            }
            cv::Mat image(crop.image_height, crop.image_width, CV_8UC3, const_cast<uint8_t *>(crop.bgr));
            cv::Mat region = image(cv::Rect(crop.x, crop.y, crop.width, crop.height));
            if (crop.width == input_width && crop.height == input_height) {
                inputs[i] = region;
            } else {
                cv::resize(region, inputs[i], cv::Size(input_width, input_height), 0, 0, cv::INTER_LINEAR);
            }
        }
        // Raw 0-255 RGB: the graph scales to [-1, 1] itself.
        cv::dnn::blobFromImages(inputs, ssd->blob, 1.0, cv::Size(), cv::Scalar(), true, false, CV_32F);
        ssd->net.setInput(ssd->blob);
        cv::Mat output = ssd->net.forward();
        if (output.dims != 4 || output.size[3] != 7) {
            fill_error(err, err_len, "the network's output is not a list of detections (rows of 7 values)");
            return -1;
        }
        const int total = output.size[2];
        cv::Mat contiguous = output.isContinuous() ? output : output.clone();
        const float *data = contiguous.ptr<float>();
        int written = 0;
        for (int r = 0; r < total && written < max_rows; r++) {
            const float *row = data + 7 * r;
            // OpenCV pads its output with empty rows (image id -1, or score 0).
            if (row[0] < 0 || !(row[2] > 0)) continue;
            std::memcpy(rows + 7 * written, row, 7 * sizeof(float));
            written++;
        }
        return written;
    } catch (const std::exception &e) {
        fill_error(err, err_len, e.what());
        return -1;
    }
}

void ff_ssd_destroy(ff_ssd *ssd) { delete ssd; }
