/* Determinants modulo the prime 1000000007: SIZE random 20x20 matrices (default 40) with entries
 * 0..3 (fixed-seed xorshift) are reduced to triangular form by Gaussian elimination, swapping
 * rows when a pivot is zero and dividing by modular inverses (Fermat powers); prints the sum of
 * the determinants, the singular matrices and the row swaps. Foreign to the 12 classes: in-place
 * row elimination with modular integer arithmetic; no dot products of rows by columns as in a
 * matrix product, and nothing is sorted, searched or traversed. */
#include "foreign.h"

#define DIM 20
#define PRIME 1000000007ULL

static uint64_t power_mod(uint64_t base, uint64_t exp) {
  uint64_t result = 1;
  for (; exp; exp >>= 1, base = base * base % PRIME)
    if (exp & 1) result = result * base % PRIME;
  return result;
}

/* Destroys m; returns its determinant mod PRIME and counts the row swaps. */
static uint64_t determinant(uint64_t m[DIM][DIM], long *swaps) {
  uint64_t det = 1;
  for (int col = 0; col < DIM; col++) {
    int pivot = col;
    while (pivot < DIM && m[pivot][col] == 0) pivot++;
    if (pivot == DIM) return 0;
    if (pivot != col) {
      for (int c = 0; c < DIM; c++) {
        uint64_t t = m[col][c];
        m[col][c] = m[pivot][c], m[pivot][c] = t;
      }
      det = PRIME - det; /* a swap negates the determinant */
      (*swaps)++;
    }
    det = det * m[col][col] % PRIME;
    uint64_t inverse = power_mod(m[col][col], PRIME - 2);
    for (int r = col + 1; r < DIM; r++) {
      uint64_t factor = m[r][col] * inverse % PRIME;
      for (int c = col; c < DIM; c++) m[r][c] = (m[r][c] + (PRIME - factor) * m[col][c]) % PRIME;
    }
  }
  return det % PRIME;
}

__attribute__((noinline)) uint64_t sum_determinants(uint64_t (*m)[DIM][DIM], long n, long *singular,
                                                    long *swaps) {
  uint64_t sum = 0;
  for (long k = 0; k < n; k++) {
    uint64_t det = determinant(m[k], swaps);
    if (det == 0) (*singular)++;
    sum = (sum + det) % PRIME;
  }
  return sum;
}

int main(int argc, char **argv) {
  long n = size_argument(argc, argv, 40, 100000);
  uint64_t (*m)[DIM][DIM] = malloc((size_t)n * sizeof *m);
  uint64_t state = 0xd1b54a32d192ed03ULL;
  for (long k = 0; k < n; k++)
    for (int r = 0; r < DIM; r++)
      for (int c = 0; c < DIM; c++) m[k][r][c] = next_random(&state) % 4;
  long singular = 0, swaps = 0;
  uint64_t sum = sum_determinants(m, n, &singular, &swaps);
  printf("%ld determinants mod 1000000007: sum %llu, %ld singular, %ld row swaps\n", n,
         (unsigned long long)sum, singular, swaps);
  free(m);
  return 0;
}
