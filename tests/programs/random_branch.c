/* A branch that depends on freshly loaded random data: history cannot predict
 * it, the loaded value decides it. Used by the learning tests (issue 3). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state = 0x9e3779b97f4a7c15ull;
static uint64_t next_random(void) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

static long hits[16];

__attribute__((noinline)) long count_big(const uint32_t *data, long n, uint32_t threshold) {
  long count = 0;
  for (long i = 0; i < n; i++) {
    /* The store keeps this a real branch (no if-conversion into cmov). */
    if (data[i] > threshold) {
      count += data[i] & 7;
      hits[i & 15]++;
    }
  }
  return count;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 20000;
  uint32_t *data = malloc(n * sizeof *data);
  long total = 0;
  for (int round = 0; round < 4; round++) {
    for (long i = 0; i < n; i++) data[i] = (uint32_t)next_random();
    total += count_big(data, n, 0x80000000u);
  }
  printf("%ld\n", total);
  return 0;
}
