/* Matrix multiplication by divide and conquer: the largest of the three dimensions is halved
 * recursively, and blocks of at most 8 in every dimension are multiplied by plain loops into
 * the accumulating result. The matrices are generated in the program from a seed (splitmix64);
 * no input file, no common.h.  Usage: PROGRAM SEED N MAX */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t seed;

static uint64_t draw(void) {
  uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

typedef struct {
  const int *a, *b;
  long long *c;
  int n; /* row stride of all three */
} product_t;

/* c[r0.., c0..] += a[r0.., k0..] * b[k0.., c0..] over rows x cols x depth. */
static void multiply_block(const product_t *p, int r0, int c0, int k0, int rows, int cols,
                           int depth) {
  if (rows <= 8 && cols <= 8 && depth <= 8) {
    for (int i = r0; i < r0 + rows; i++)
      for (int j = c0; j < c0 + cols; j++) {
        long long sum = 0;
        for (int k = k0; k < k0 + depth; k++) sum += (long long)p->a[i * p->n + k] * p->b[k * p->n + j];
        p->c[i * p->n + j] += sum;
      }
    return;
  }
  if (rows >= cols && rows >= depth) {
    multiply_block(p, r0, c0, k0, rows / 2, cols, depth);
    multiply_block(p, r0 + rows / 2, c0, k0, rows - rows / 2, cols, depth);
  } else if (cols >= depth) {
    multiply_block(p, r0, c0, k0, rows, cols / 2, depth);
    multiply_block(p, r0, c0 + cols / 2, k0, rows, cols - cols / 2, depth);
  } else {
    multiply_block(p, r0, c0, k0, rows, cols, depth / 2);
    multiply_block(p, r0, c0, k0 + depth / 2, rows, cols, depth - depth / 2);
  }
}

__attribute__((noinline)) void recursive_matmul(const product_t *p) {
  multiply_block(p, 0, 0, 0, p->n, p->n, p->n);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s SEED N MAX\n", argv[0]);
    return 2;
  }
  seed = strtoull(argv[1], NULL, 10);
  int n = atoi(argv[2]), max = atoi(argv[3]);
  if (n < 1 || max < 0) {
    fprintf(stderr, "error: need N >= 1 and MAX >= 0\n");
    return 2;
  }
  int *a = malloc(sizeof(int) * (size_t)(n * n)), *b = malloc(sizeof(int) * (size_t)(n * n));
  for (int i = 0; i < n * n; i++) a[i] = (int)(draw() % (uint64_t)(2 * max + 1)) - max;
  for (int i = 0; i < n * n; i++) b[i] = (int)(draw() % (uint64_t)(2 * max + 1)) - max;
  product_t p = {a, b, calloc((size_t)(n * n), sizeof(long long)), n};
  recursive_matmul(&p);
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < n * n; i++) h = (h ^ (uint64_t)p.c[i]) * 1099511628211ULL;
  printf("%llu\n", (unsigned long long)h);
  return 0;
}
