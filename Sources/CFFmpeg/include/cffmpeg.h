#ifndef FOOTFALL_CFFMPEG_H
#define FOOTFALL_CFFMPEG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A video file or stream decoded in process by libavformat and libavcodec, one thread, with
/// frames converted to packed BGR by libswscale only when they are handed on.
typedef struct ff_decoder ff_decoder;

/// Opens `source` (a path or URL; RTSP over TCP when `tcp` is non-zero, else UDP). Opening may
/// take `open_timeout_ms` and each later read `read_timeout_ms` (0: no limit). NULL on failure,
/// with the reason in `err` (never the URL).
ff_decoder *ff_decoder_open(const char *source, int tcp, int open_timeout_ms, int read_timeout_ms,
                            char *err, int err_len);

/// The video's size, frame rate and frame count as its container states them (0 and -1 when
/// unknown).
void ff_decoder_info(ff_decoder *decoder, int *width, int *height, double *fps, int *frames);

/// Bytes a frame's buffer must have beyond its `width` × `height` × 3: libswscale's vector code
/// writes a little past the end of a packed BGR picture at some widths (up to 24 bytes measured
/// on x86-64, at widths such as 200 or 360; none at 768 or 1920).
#define FF_DECODER_PADDING 256

/// Decodes up to the next frame shown at or after `not_before` seconds of stream time (counted
/// from the stream's first frame). Frames shown earlier are not converted, and those no later
/// frame refers to (non-reference frames) are not even decoded. Writes the frame's time to
/// `*time`. Returns 1 with the frame in `bgr` (`*width` × `*height` × 3 bytes, in a buffer of
/// `capacity` bytes, at least that and `FF_DECODER_PADDING` more); 2 when the frame has another
/// size or does not fit, its size written to `*width`/`*height` (read it with `ff_decoder_take`); 0 at the
/// end (or when the stream broke off or stayed silent past the read timeout); -1 on a decoding
/// error, described in `err`.
int ff_decoder_read(ff_decoder *decoder, double not_before, uint8_t *bgr, size_t capacity, int *width,
                    int *height, double *time, char *err, int err_len);

/// Converts the frame `ff_decoder_read` kept (it returned 2) into `bgr`; 1, or -1 if it does not
/// fit (with `FF_DECODER_PADDING`).
int ff_decoder_take(ff_decoder *decoder, uint8_t *bgr, size_t capacity);

/// Goes back to the start (files); 0, or -1 if the source cannot seek.
int ff_decoder_rewind(ff_decoder *decoder);

/// With `light` non-zero, frames shown before `not_before` (those `ff_decoder_read` passes over)
/// are decoded without the in-loop deblocking filter (H.264, HEVC), key frames excepted: about
/// a fifth less work for each such frame. Later frames that refer to them inherit the small
/// differences until the next key frame, so frames handed on are close to, not exactly, the
/// stream's pictures.
void ff_decoder_set_light(ff_decoder *decoder, int light);

/// Frames the decoder has produced so far, converted or not (skipped frames are not counted).
int64_t ff_decoder_frames_decoded(const ff_decoder *decoder);

/// Closes the source and frees the decoder.
void ff_decoder_close(ff_decoder *decoder);

#ifdef __cplusplus
}
#endif

#endif
