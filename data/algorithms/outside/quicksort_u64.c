/* Sorts 64-bit keys with a quicksort generated from a macro "template" (DEFINE_QUICKSORT:
 * element type, name and ordering as parameters), the classic two-index partition around the
 * middle element. The keys come from xorshift64* (seed 88172645463325252).
 * Usage: quicksort_u64 [COUNT]   (default 20000) */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define DEFINE_QUICKSORT(NAME, TYPE, LESS)               \
  static void NAME(TYPE *v, long lo, long hi) {          \
    while (lo < hi) {                                    \
      TYPE pivot = v[lo + (hi - lo) / 2];                \
      long i = lo, j = hi;                               \
      while (i <= j) {                                   \
        while (LESS(v[i], pivot)) i++;                   \
        while (LESS(pivot, v[j])) j--;                   \
        if (i <= j) {                                    \
          TYPE t = v[i];                                 \
          v[i++] = v[j];                                 \
          v[j--] = t;                                    \
        }                                                \
      }                                                  \
      if (j - lo < hi - i) {                             \
        NAME(v, lo, j);                                  \
        lo = i;                                          \
      } else {                                           \
        NAME(v, i, hi);                                  \
        hi = j;                                          \
      }                                                  \
    }                                                    \
  }

#define U64_LESS(a, b) ((a) < (b))
DEFINE_QUICKSORT(sort_u64, uint64_t, U64_LESS)

static uint64_t x = 88172645463325252ULL;

static uint64_t xorshift64star(void) {
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  return x * 2685821657736338717ULL;
}

int main(int argc, char **argv) {
  long count = argc > 1 ? atol(argv[1]) : 20000;
  if (argc > 2 || count < 1) {
    fprintf(stderr, "usage: %s [COUNT]\n", argv[0]);
    return 2;
  }
  uint64_t *keys = malloc(sizeof(uint64_t) * (size_t)count);
  for (long i = 0; i < count; i++) keys[i] = xorshift64star();
  sort_u64(keys, 0, count - 1);
  uint64_t digest = 0;
  for (long i = 0; i < count; i++) digest ^= keys[i] * (uint64_t)(i + 1);
  printf("%ld keys, min %016" PRIx64 ", max %016" PRIx64 ", digest %016" PRIx64 "\n", count,
         keys[0], keys[count - 1], digest);
  free(keys);
  return 0;
}
