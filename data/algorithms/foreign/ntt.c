/* Polynomial product by number-theoretic transform modulo 998244353: two random polynomials of
 * SIZE coefficients each (default 2048, fixed-seed xorshift) are transformed with iterative
 * radix-2 butterflies after a bit-reversal permutation, multiplied pointwise and transformed
 * back; the product is checked at a random point and a checksum of its coefficients printed.
 * Foreign to the 12 classes: strided butterfly passes over an array with modular roots of unity;
 * nothing is sorted or searched, and it is a convolution rather than a matrix product. */
#include "foreign.h"

#define PRIME 998244353ULL /* 119 * 2^23 + 1, with primitive root 3 */

static uint64_t power_mod(uint64_t base, uint64_t exp) {
  uint64_t result = 1;
  for (; exp; exp >>= 1, base = base * base % PRIME)
    if (exp & 1) result = result * base % PRIME;
  return result;
}

static void transform(uint64_t *a, long len, int inverse) {
  for (long i = 1, j = 0; i < len; i++) { /* bit-reversal permutation */
    long bit = len >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      uint64_t t = a[i];
      a[i] = a[j], a[j] = t;
    }
  }
  for (long half = 1; half < len; half <<= 1) {
    uint64_t root = power_mod(3, (PRIME - 1) / (2 * (uint64_t)half));
    if (inverse) root = power_mod(root, PRIME - 2);
    for (long start = 0; start < len; start += 2 * half) {
      uint64_t w = 1;
      for (long k = start; k < start + half; k++) {
        uint64_t u = a[k], v = a[k + half] * w % PRIME;
        a[k] = (u + v) % PRIME;
        a[k + half] = (u + PRIME - v) % PRIME;
        w = w * root % PRIME;
      }
    }
  }
  if (inverse) {
    uint64_t scale = power_mod((uint64_t)len, PRIME - 2);
    for (long i = 0; i < len; i++) a[i] = a[i] * scale % PRIME;
  }
}

/* a = a * b (len a power of two at least the product's length; b is overwritten). */
__attribute__((noinline)) void multiply(uint64_t *a, uint64_t *b, long len) {
  transform(a, len, 0);
  transform(b, len, 0);
  for (long i = 0; i < len; i++) a[i] = a[i] * b[i] % PRIME;
  transform(a, len, 1);
}

static uint64_t evaluate(const uint64_t *p, long n, uint64_t x) {
  uint64_t y = 0;
  for (long i = n - 1; i >= 0; i--) y = (y * x + p[i]) % PRIME;
  return y;
}

int main(int argc, char **argv) {
  long n = size_argument(argc, argv, 2048, 1000000);
  long len = 1;
  while (len < 2 * n) len <<= 1;
  uint64_t *a = calloc((size_t)len, sizeof *a), *b = calloc((size_t)len, sizeof *b);
  uint64_t state = 0xbf58476d1ce4e5b9ULL;
  for (long i = 0; i < n; i++) {
    a[i] = next_random(&state) % PRIME;
    b[i] = next_random(&state) % PRIME;
  }
  uint64_t x = next_random(&state) % PRIME;
  uint64_t expected = evaluate(a, n, x) * evaluate(b, n, x) % PRIME;
  multiply(a, b, len);
  if (evaluate(a, len, x) != expected) {
    fprintf(stderr, "%s: the product is wrong at a test point\n", argv[0]);
    return 1;
  }
  uint64_t checksum = 0;
  for (long i = 0; i < len; i++) checksum = (checksum * 31 + a[i]) % PRIME;
  printf("product of two %ld-term polynomials mod 998244353: checksum %llu\n", n,
         (unsigned long long)checksum);
  free(a);
  free(b);
  return 0;
}
