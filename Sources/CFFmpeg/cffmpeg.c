#include "cffmpeg.h"

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/error.h>
#include <libavutil/time.h>
#include <libswscale/swscale.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ff_decoder {
    AVFormatContext *format;
    AVCodecContext *codec;
    struct SwsContext *scaler;
    AVPacket *packet;
    AVFrame *frame;
    int stream;
    AVRational time_base;
    /// The first frame's timestamp: stream time counts from it.
    int64_t start;
    double frame_rate;
    /// When a blocking open or read gives up (av_gettime_relative microseconds; 0: never).
    int64_t deadline;
    int64_t read_timeout_us;
    int timed_out;
    /// The demuxer has ended and the decoder is giving up the frames it still holds.
    int draining;
    /// `frame` holds a decoded frame of a new size, not yet taken.
    int pending;
    /// Frames produced since opening, and since the last rewind (the time of a frame without
    /// a timestamp).
    int64_t decoded;
    int64_t since_rewind;
    /// The time of the last frame produced since the last rewind.
    double last_time;
    int has_last;
    /// Frames not handed on are decoded without the deblocking filter.
    int light;
};

static void set_error(char *err, int err_len, const char *what, int status) {
    if (err == NULL || err_len <= 0) return;
    if (status < 0) {
        char reason[AV_ERROR_MAX_STRING_SIZE] = {0};
        av_strerror(status, reason, sizeof reason);
        snprintf(err, (size_t)err_len, "%s: %s", what, reason);
    } else {
        snprintf(err, (size_t)err_len, "%s", what);
    }
}

static int interrupted(void *opaque) {
    ff_decoder *decoder = opaque;
    if (decoder->deadline > 0 && av_gettime_relative() > decoder->deadline) {
        decoder->timed_out = 1;
        return 1;
    }
    return 0;
}

static void arm(ff_decoder *decoder, int64_t timeout_us) {
    decoder->timed_out = 0;
    decoder->deadline = timeout_us > 0 ? av_gettime_relative() + timeout_us : 0;
}

// Failures reach the caller through `err`; libav's own log would go to standard error.
static pthread_once_t quiet_once = PTHREAD_ONCE_INIT;

static void quiet(void) {
    av_log_set_level(AV_LOG_QUIET);
}

ff_decoder *ff_decoder_open(const char *source, int tcp, int open_timeout_ms, int read_timeout_ms,
                            char *err, int err_len) {
    pthread_once(&quiet_once, quiet);
    ff_decoder *decoder = calloc(1, sizeof *decoder);
    if (decoder == NULL) {
        set_error(err, err_len, "out of memory", 0);
        return NULL;
    }
    decoder->stream = -1;
    decoder->start = AV_NOPTS_VALUE;
    decoder->read_timeout_us = read_timeout_ms > 0 ? (int64_t)read_timeout_ms * 1000 : 0;
    decoder->format = avformat_alloc_context();
    decoder->packet = av_packet_alloc();
    decoder->frame = av_frame_alloc();
    if (decoder->format == NULL || decoder->packet == NULL || decoder->frame == NULL) {
        set_error(err, err_len, "out of memory", 0);
        ff_decoder_close(decoder);
        return NULL;
    }
    decoder->format->interrupt_callback.callback = interrupted;
    decoder->format->interrupt_callback.opaque = decoder;

    AVDictionary *options = NULL;
    if (strncmp(source, "rtsp://", 7) == 0 || strncmp(source, "rtsps://", 8) == 0) {
        av_dict_set(&options, "rtsp_transport", tcp ? "tcp" : "udp", 0);
    }
    arm(decoder, open_timeout_ms > 0 ? (int64_t)open_timeout_ms * 1000 : 0);
    // On failure avformat_open_input frees the context and clears the pointer.
    int status = avformat_open_input(&decoder->format, source, NULL, &options);
    av_dict_free(&options);
    if (status < 0) {
        set_error(err, err_len, decoder->timed_out ? "the source did not answer within the open timeout"
                                                   : "the source could not be opened", decoder->timed_out ? 0 : status);
        ff_decoder_close(decoder);
        return NULL;
    }
    status = avformat_find_stream_info(decoder->format, NULL);
    if (status < 0) {
        set_error(err, err_len, decoder->timed_out ? "the source did not answer within the open timeout"
                                                   : "the source's streams could not be read", decoder->timed_out ? 0 : status);
        ff_decoder_close(decoder);
        return NULL;
    }
    const AVCodec *codec = NULL;
    decoder->stream = av_find_best_stream(decoder->format, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (decoder->stream < 0 || codec == NULL) {
        set_error(err, err_len, "the source holds no video it can decode", 0);
        ff_decoder_close(decoder);
        return NULL;
    }
    AVStream *stream = decoder->format->streams[decoder->stream];
    decoder->codec = avcodec_alloc_context3(codec);
    if (decoder->codec == NULL || avcodec_parameters_to_context(decoder->codec, stream->codecpar) < 0) {
        set_error(err, err_len, "the video's decoder could not be set up", 0);
        ff_decoder_close(decoder);
        return NULL;
    }
    // One thread per camera: a process runs many cameras, each on its own thread already.
    decoder->codec->thread_count = 1;
    decoder->codec->pkt_timebase = stream->time_base;
    status = avcodec_open2(decoder->codec, codec, NULL);
    if (status < 0) {
        set_error(err, err_len, "the video's decoder could not be opened", status);
        ff_decoder_close(decoder);
        return NULL;
    }
    decoder->time_base = stream->time_base;
    decoder->start = stream->start_time;
    AVRational rate = av_guess_frame_rate(decoder->format, stream, NULL);
    decoder->frame_rate = rate.num > 0 && rate.den > 0 ? av_q2d(rate) : 0;
    arm(decoder, 0);
    return decoder;
}

void ff_decoder_info(ff_decoder *decoder, int *width, int *height, double *fps, int *frames) {
    *width = decoder->codec->width;
    *height = decoder->codec->height;
    *fps = decoder->frame_rate;
    const AVStream *stream = decoder->format->streams[decoder->stream];
    int64_t count = stream->nb_frames;
    if (count <= 0 && decoder->format->duration > 0 && decoder->frame_rate > 0) {
        count = (int64_t)((double)decoder->format->duration / AV_TIME_BASE * decoder->frame_rate + 0.5);
    }
    *frames = count > 0 && count < INT32_MAX ? (int)count : -1;
}

/// Seconds from the stream's first frame to `stamp` (in the stream's time base).
static double seconds_from_start(const ff_decoder *decoder, int64_t stamp) {
    return (double)(stamp - decoder->start) * decoder->time_base.num / decoder->time_base.den;
}

/// The stream time of the frame just received, in seconds from the first frame.
static double frame_time(ff_decoder *decoder) {
    int64_t stamp = decoder->frame->best_effort_timestamp;
    if (stamp == AV_NOPTS_VALUE || decoder->time_base.den == 0) {
        double rate = decoder->frame_rate > 0 ? decoder->frame_rate : 25;
        return (double)(decoder->since_rewind - 1) / rate;
    }
    if (decoder->start == AV_NOPTS_VALUE) decoder->start = stamp;
    double shown = seconds_from_start(decoder, stamp);
    if (decoder->has_last && shown < decoder->last_time - 1) {
        // The timestamps went back (a live stream restarted or wrapped them): time goes on from
        // the last frame, or every later frame would read as one already passed over.
        double step = 1 / (decoder->frame_rate > 0 ? decoder->frame_rate : 25);
        shown = decoder->last_time + step;
        decoder->start = stamp - (int64_t)(shown * decoder->time_base.den / decoder->time_base.num);
    }
    decoder->last_time = shown;
    decoder->has_last = 1;
    return shown;
}

static int convert(ff_decoder *decoder, uint8_t *bgr, int width, int height) {
    AVFrame *frame = decoder->frame;
    decoder->scaler = sws_getCachedContext(decoder->scaler, frame->width, frame->height, frame->format, width, height,
                                           AV_PIX_FMT_BGR24, SWS_BICUBIC, NULL, NULL, NULL);
    if (decoder->scaler == NULL) return -1;
    uint8_t *planes[4] = {bgr, NULL, NULL, NULL};
    int strides[4] = {width * 3, 0, 0, 0};
    int rows = sws_scale(decoder->scaler, (const uint8_t *const *)frame->data, frame->linesize, 0, frame->height,
                         planes, strides);
    return rows == height ? 1 : -1;
}

int ff_decoder_read(ff_decoder *decoder, double not_before, uint8_t *bgr, size_t capacity, int *width,
                    int *height, double *time, char *err, int err_len) {
    if (decoder->pending) {
        av_frame_unref(decoder->frame);
        decoder->pending = 0;
    }
    for (;;) {
        int status = avcodec_receive_frame(decoder->codec, decoder->frame);
        if (status == 0) {
            decoder->decoded += 1;
            decoder->since_rewind += 1;
            double shown = frame_time(decoder);
            if (shown < not_before) {
                av_frame_unref(decoder->frame);
                continue;
            }
            *time = shown;
            const AVFrame *frame = decoder->frame;
            if (frame->width != *width || frame->height != *height ||
                (size_t)frame->width * (size_t)frame->height * 3 + FF_DECODER_PADDING > capacity) {
                *width = frame->width;
                *height = frame->height;
                decoder->pending = 1;
                return 2;
            }
            int converted = convert(decoder, bgr, *width, *height);
            av_frame_unref(decoder->frame);
            if (converted != 1) {
                set_error(err, err_len, "a frame could not be converted to BGR", 0);
                return -1;
            }
            return 1;
        }
        if (status == AVERROR_EOF) return 0;
        if (status != AVERROR(EAGAIN)) {
            set_error(err, err_len, "the video could not be decoded", status);
            return -1;
        }
        if (decoder->draining) return 0;

        arm(decoder, decoder->read_timeout_us);
        status = av_read_frame(decoder->format, decoder->packet);
        arm(decoder, 0);
        if (status == AVERROR_EOF) {
            decoder->draining = 1;
            avcodec_send_packet(decoder->codec, NULL);
            continue;
        }
        // A stream silent past the read timeout, or broken off, ends like a file: the camera
        // is then opened again.
        if (status < 0) return 0;
        if (decoder->packet->stream_index != decoder->stream) {
            av_packet_unref(decoder->packet);
            continue;
        }
        // A packet shown before `not_before` need not be decoded unless later frames refer to it.
        int64_t stamp = decoder->packet->pts;
        int early = stamp != AV_NOPTS_VALUE && decoder->start != AV_NOPTS_VALUE && decoder->time_base.den != 0 &&
                    seconds_from_start(decoder, stamp) < not_before;
        decoder->codec->skip_frame = early ? AVDISCARD_NONREF : AVDISCARD_DEFAULT;
        // Key frames are always filtered, so what a skipped filter leaves ends at each one, even
        // one passed over (or taken for early when a restarted stream's timestamps jump back).
        int key = (decoder->packet->flags & AV_PKT_FLAG_KEY) != 0;
        decoder->codec->skip_loop_filter = early && decoder->light && !key ? AVDISCARD_ALL : AVDISCARD_DEFAULT;
        status = avcodec_send_packet(decoder->codec, decoder->packet);
        av_packet_unref(decoder->packet);
        // A damaged packet is dropped, as players do; the stream goes on.
        if (status < 0 && status != AVERROR_INVALIDDATA && status != AVERROR(EAGAIN)) {
            set_error(err, err_len, "the video could not be decoded", status);
            return -1;
        }
    }
}

int ff_decoder_take(ff_decoder *decoder, uint8_t *bgr, size_t capacity) {
    if (!decoder->pending) return -1;
    const AVFrame *frame = decoder->frame;
    if ((size_t)frame->width * (size_t)frame->height * 3 + FF_DECODER_PADDING > capacity) return -1;
    int converted = convert(decoder, bgr, frame->width, frame->height);
    av_frame_unref(decoder->frame);
    decoder->pending = 0;
    return converted == 1 ? 1 : -1;
}

int ff_decoder_rewind(ff_decoder *decoder) {
    const AVStream *stream = decoder->format->streams[decoder->stream];
    int64_t target = stream->start_time != AV_NOPTS_VALUE ? stream->start_time : 0;
    if (av_seek_frame(decoder->format, decoder->stream, target, AVSEEK_FLAG_BACKWARD) < 0) return -1;
    avcodec_flush_buffers(decoder->codec);
    av_frame_unref(decoder->frame);
    decoder->pending = 0;
    decoder->draining = 0;
    decoder->since_rewind = 0;
    decoder->has_last = 0;
    return 0;
}

void ff_decoder_set_light(ff_decoder *decoder, int light) {
    decoder->light = light != 0;
}

int64_t ff_decoder_frames_decoded(const ff_decoder *decoder) {
    return decoder->decoded;
}

void ff_decoder_close(ff_decoder *decoder) {
    if (decoder == NULL) return;
    sws_freeContext(decoder->scaler);
    avcodec_free_context(&decoder->codec);
    avformat_close_input(&decoder->format);
    av_packet_free(&decoder->packet);
    av_frame_free(&decoder->frame);
    free(decoder);
}
