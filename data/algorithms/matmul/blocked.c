/* Matrix multiplication tiled into BLOCK x BLOCK blocks (six nested loops) on a struct that
 * carries its size and flat storage, so the working set of each tile stays in cache. */
#include "../common.h"

#define BLOCK 16

typedef struct {
  int n;
  long long *cells;
} matrix_t;

static matrix_t read_matrix(input_t *in, int n) {
  matrix_t m = {n, checked_malloc((size_t)n * n * sizeof(long long))};
  for (int i = 0; i < n * n; i++) m.cells[i] = next_int(in);
  return m;
}

ALGORITHM void matmul_blocked(const matrix_t *a, const matrix_t *b, matrix_t *c) {
  int n = a->n;
  for (int i = 0; i < n * n; i++) c->cells[i] = 0;
  for (int ii = 0; ii < n; ii += BLOCK) {
    int imax = ii + BLOCK < n ? ii + BLOCK : n;
    for (int kk = 0; kk < n; kk += BLOCK) {
      int kmax = kk + BLOCK < n ? kk + BLOCK : n;
      for (int jj = 0; jj < n; jj += BLOCK) {
        int jmax = jj + BLOCK < n ? jj + BLOCK : n;
        for (int i = ii; i < imax; i++) {
          for (int k = kk; k < kmax; k++) {
            long long aik = a->cells[i * n + k];
            for (int j = jj; j < jmax; j++) c->cells[i * n + j] += aik * b->cells[k * n + j];
          }
        }
      }
    }
  }
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  matrix_t a = read_matrix(&in, n), b = read_matrix(&in, n);
  matrix_t c = {n, checked_malloc((size_t)n * n * sizeof(long long))};
  matmul_blocked(&a, &b, &c);
  uint64_t h = CHECKSUM_START;
  for (int i = 0; i < n * n; i++) h = mix(h, c.cells[i]);
  print_checksum(h);
  return 0;
}
