/* Multiplies two N x N matrices of doubles held in a struct with an AT() accessor macro, and
 * prints the trace and the sum of the product. Entries come from a 32-bit linear congruential
 * generator (Numerical Recipes constants, seed 2024), scaled to [0, 1).
 * Usage: matmul_double [N]   (default 56) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
  int rows, cols;
  double *v;
} matrix;

#define AT(m, i, j) ((m)->v[(size_t)(i) * (size_t)(m)->cols + (size_t)(j)])

static uint32_t lcg = 2024;

static double uniform(void) {
  lcg = lcg * 1664525u + 1013904223u;
  return (double)(lcg >> 8) / 16777216.0;
}

static matrix *matrix_new(int rows, int cols) {
  matrix *m = malloc(sizeof *m);
  m->rows = rows;
  m->cols = cols;
  m->v = calloc((size_t)rows * (size_t)cols, sizeof(double));
  return m;
}

static void matrix_multiply(const matrix *a, const matrix *b, matrix *out) {
  for (int i = 0; i < a->rows; i++)
    for (int j = 0; j < b->cols; j++) {
      double acc = 0.0;
      for (int k = 0; k < a->cols; k++) acc += AT(a, i, k) * AT(b, k, j);
      AT(out, i, j) = acc;
    }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 56;
  if (argc > 2 || n < 1) {
    fprintf(stderr, "usage: %s [N]\n", argv[0]);
    return 2;
  }
  matrix *a = matrix_new(n, n), *b = matrix_new(n, n), *c = matrix_new(n, n);
  for (int i = 0; i < n * n; i++) a->v[i] = uniform();
  for (int i = 0; i < n * n; i++) b->v[i] = uniform();
  matrix_multiply(a, b, c);
  double trace = 0.0, sum = 0.0;
  for (int i = 0; i < n; i++) trace += AT(c, i, i);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) sum += AT(c, i, j);
  printf("%dx%d product: trace %.6f, sum %.6f\n", n, n, trace, sum);
  return 0;
}
