/* Longest common subsequence over the full table filled along anti-diagonals (all cells with
 * i + j = d before any with i + j = d + 1), the order a parallel version would use. The two
 * strings are generated in the program from a seed (splitmix64); no input file, no common.h.
 * Usage: PROGRAM SEED LENGTHA LENGTHB ALPHABET */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t rs;

static uint64_t rnd(void) {
  uint64_t z = (rs += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

__attribute__((noinline)) int antidiagonal_lcs(const char *a, int n, const char *b, int m) {
  int width = m + 1;
  int *t = calloc((size_t)(n + 1) * (size_t)width, sizeof(int));
  for (int d = 2; d <= n + m; d++) {
    int lo = d - m > 1 ? d - m : 1, hi = d - 1 < n ? d - 1 : n;
    for (int i = lo; i <= hi; i++) {
      int j = d - i;
      int *cell = &t[i * width + j];
      if (a[i - 1] == b[j - 1]) *cell = t[(i - 1) * width + j - 1] + 1;
      else {
        int up = t[(i - 1) * width + j], left = t[i * width + j - 1];
        *cell = up > left ? up : left;
      }
    }
  }
  int result = t[n * width + m];
  free(t);
  return result;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s SEED LENGTHA LENGTHB ALPHABET\n", argv[0]);
    return 2;
  }
  rs = strtoull(argv[1], NULL, 10);
  int n = atoi(argv[2]), m = atoi(argv[3]), alphabet = atoi(argv[4]);
  if (n < 1 || m < 1 || alphabet < 1 || alphabet > 4) {
    fprintf(stderr, "error: need lengths >= 1 and 1 <= ALPHABET <= 4\n");
    return 2;
  }
  char *a = malloc((size_t)n), *b = malloc((size_t)m);
  for (int i = 0; i < n; i++) a[i] = "ACGT"[rnd() % (uint64_t)alphabet];
  for (int j = 0; j < m; j++) b[j] = "ACGT"[rnd() % (uint64_t)alphabet];
  uint64_t h = 14695981039346656037ULL;
  h = (h ^ (uint64_t)antidiagonal_lcs(a, n, b, m)) * 1099511628211ULL;
  printf("%llu\n", (unsigned long long)h);
  return 0;
}
