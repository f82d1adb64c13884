/* x264 driver (464.h264ref analog): encodes a raw I420 video with libx264
 * linked directly, as `x264 --threads 1 --no-asm --preset P` does, output
 * discarded. Linking libx264 alone keeps libavformat out of the process:
 * /usr/bin/x264 loads it, and with it libjxl and libhwy, whose constructor
 * executes an instruction Valgrind 3.19 cannot run on AVX-512 AMD CPUs.
 * Usage: x264enc VIDEO.yuv WIDTH HEIGHT FRAMES PRESET */
#include <stdint.h>
#include <x264.h>

#include "kernel.h"

/* The encoder as the CLI sets it up for raw input: one thread, C code paths only. */
static x264_t *open_encoder(int width, int height, const char *preset) {
  x264_param_t param;
  if (x264_param_default_preset(&param, preset, NULL) < 0) die("unknown x264 preset");
  param.cpu = 0; /* --no-asm: plain C, like h264ref */
  param.i_threads = 1;
  param.b_sliced_threads = 0;
  param.i_lookahead_threads = 1;
  param.i_width = width;
  param.i_height = height;
  param.i_csp = X264_CSP_I420;
  param.b_vfr_input = 0; /* raw frames have no timestamps */
  param.i_log_level = X264_LOG_NONE;
  x264_t *encoder = x264_encoder_open(&param);
  if (!encoder) die("x264_encoder_open failed");
  return encoder;
}

/* Encodes one picture (or flushes with NULL); returns the bytes of NAL units written. */
static size_t encode(x264_t *encoder, x264_picture_t *picture) {
  x264_picture_t out;
  x264_nal_t *nals;
  int count;
  int bytes = x264_encoder_encode(encoder, &nals, &count, picture, &out);
  if (bytes < 0) die("x264_encoder_encode failed");
  return (size_t)bytes;
}

int main(int argc, char **argv) {
  if (argc != 6) die("usage: x264enc VIDEO.yuv WIDTH HEIGHT FRAMES PRESET");
  int width = (int)parse_count(argv[2], "WIDTH");
  int height = (int)parse_count(argv[3], "HEIGHT");
  int frames = (int)parse_count(argv[4], "FRAMES");
  if (width <= 0 || height <= 0 || width % 2 || height % 2) die("WIDTH and HEIGHT must be even");
  FILE *video = fopen(argv[1], "rb");
  if (!video) {
    fprintf(stderr, "error: cannot open video %s: %s\n", argv[1], strerror(errno));
    exit(2);
  }
  x264_t *encoder = open_encoder(width, height, argv[5]);
  x264_picture_t picture;
  if (x264_picture_alloc(&picture, X264_CSP_I420, width, height) < 0) die("out of memory");
  size_t luma = (size_t)width * height, chroma = luma / 4, total = 0;
  for (int i = 0; i < frames; i++) {
    if (fread(picture.img.plane[0], 1, luma, video) != luma ||
        fread(picture.img.plane[1], 1, chroma, video) != chroma ||
        fread(picture.img.plane[2], 1, chroma, video) != chroma)
      die("the video holds fewer frames than FRAMES");
    picture.i_pts = i;
    total += encode(encoder, &picture);
  }
  while (x264_encoder_delayed_frames(encoder)) total += encode(encoder, NULL);
  x264_picture_clean(&picture);
  x264_encoder_close(encoder);
  fclose(video);
  printf("%d frames, %zu bytes\n", frames, total);
  return 0;
}
