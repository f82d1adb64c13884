/**
 * Raw video for the encoder workload: I420 (YUV 4:2:0) frames of a panning
 * textured background with moving objects and sensor noise, so that motion
 * search, mode decision and entropy coding all have work.
 *
 * @module
 */
import { join } from "node:path";
import { atomicWriteFile } from "../../common/mod.ts";
import type { InputGenerator } from "./types.ts";

interface MovingObject {
  x: number;
  y: number;
  dx: number;
  dy: number;
  radius: number;
  round: boolean;
  luma: number;
  u: number;
  v: number;
  stripes: number;
}

function clamp(x: number): number {
  return x < 0 ? 0 : x > 255 ? 255 : x;
}

/** The `yuv-video` generator: `video.yuv`, raw I420 frames of size width x height. */
export const yuvVideo: InputGenerator = {
  description: "video.yuv: raw I420 frames, panning texture, moving objects, noise",
  defaults: { width: 352, height: 288, frames: 40, objects: 6, noise: 6, pan: 2 },
  generate({ dir, params, rng }) {
    const w = params.width as number, h = params.height as number;
    if (w % 2 || h % 2) throw new Error("yuv-video: width and height must be even");
    const frames = params.frames as number;
    const noise = params.noise as number;
    const pan = params.pan as number;
    const objects: MovingObject[] = [];
    for (let i = 0; i < (params.objects as number); i++) {
      objects.push({
        x: rng.int(0, w),
        y: rng.int(0, h),
        dx: rng.int(-6, 7),
        dy: rng.int(-4, 5),
        radius: rng.int(8, Math.max(9, Math.floor(Math.min(w, h) / 5))),
        round: rng.chance(0.5),
        luma: rng.int(16, 236),
        u: rng.int(40, 216),
        v: rng.int(40, 216),
        stripes: rng.int(0, 4),
      });
    }
    const texture = rng.bytes(256 * 256);
    const frameSize = w * h * 3 / 2;
    const out = new Uint8Array(frameSize * frames);
    for (let f = 0; f < frames; f++) {
      const base = f * frameSize;
      const ox = f * pan, oy = Math.round(f * pan / 2);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const t = texture[(((y + oy) & 255) << 8) | ((x + ox) & 255)];
          out[base + y * w + x] = clamp(
            64 + ((x + y + ox) >> 2) % 96 + (t >> 3) + (rng.float() - 0.5) * noise,
          );
        }
      }
      const uBase = base + w * h, vBase = uBase + (w * h) / 4;
      for (let y = 0; y < h / 2; y++) {
        for (let x = 0; x < w / 2; x++) {
          out[uBase + y * (w / 2) + x] = 128 + ((x + ox) % 32) - 16;
          out[vBase + y * (w / 2) + x] = 128 + ((y + oy) % 24) - 12;
        }
      }
      for (const o of objects) {
        const x0 = Math.max(0, o.x - o.radius), x1 = Math.min(w, o.x + o.radius);
        const y0 = Math.max(0, o.y - o.radius), y1 = Math.min(h, o.y + o.radius);
        for (let y = y0; y < y1; y++) {
          for (let x = x0; x < x1; x++) {
            const dx = x - o.x, dy = y - o.y;
            if (o.round && dx * dx + dy * dy > o.radius * o.radius) continue;
            const stripe = o.stripes && ((x + y) >> o.stripes) & 1 ? 40 : 0;
            out[base + y * w + x] = clamp(o.luma - stripe + (rng.float() - 0.5) * noise);
            if (!(x & 1) && !(y & 1)) {
              out[uBase + (y / 2) * (w / 2) + x / 2] = o.u;
              out[vBase + (y / 2) * (w / 2) + x / 2] = o.v;
            }
          }
        }
        o.x += o.dx;
        o.y += o.dy;
        if (o.x < 0 || o.x >= w) o.dx = -o.dx;
        if (o.y < 0 || o.y >= h) o.dy = -o.dy;
      }
    }
    return atomicWriteFile(join(dir, "video.yuv"), out);
  },
};
