/* The Mandelbrot set on a SIZE x SIZE grid (default 80) over [-2, 1] x [-1.5, 1.5], at most
 * 200 iterations per point; prints how many points stay bounded.
 * Foreign to the 12 classes: floating-point iteration of z = z^2 + c per point with an escape
 * test; no data structure is ordered, searched, matched or traversed, and no matrix product. */
#include "foreign.h"

__attribute__((noinline)) long bounded_points(long size) {
  long inside = 0;
  for (long py = 0; py < size; py++) {
    double ci = -1.5 + 3.0 * (double)py / (double)size;
    for (long px = 0; px < size; px++) {
      double cr = -2.0 + 3.0 * (double)px / (double)size, zr = 0, zi = 0;
      int k = 0;
      while (k < 200 && zr * zr + zi * zi <= 4.0) {
        double t = zr * zr - zi * zi + cr;
        zi = 2 * zr * zi + ci;
        zr = t;
        k++;
      }
      inside += k == 200;
    }
  }
  return inside;
}

int main(int argc, char **argv) {
  long size = size_argument(argc, argv, 80, 100000);
  printf("%ld of %ld points bounded\n", bounded_points(size), size * size);
  return 0;
}
