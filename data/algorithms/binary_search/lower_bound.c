/* Binary search as lower_bound: a base pointer and a length that halves, then one equality
 * test at the end. */
#include "../common.h"

ALGORITHM const long long *lower_bound(const long long *base, size_t len, long long key) {
  while (len > 0) {
    size_t half = len / 2;
    if (base[half] < key) {
      base += half + 1;
      len -= half + 1;
    } else {
      len = half;
    }
  }
  return base;
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  long long *keys = checked_malloc((size_t)n * sizeof *keys);
  for (int i = 0; i < n; i++) keys[i] = next_int(&in);
  int q = (int)next_int(&in);
  uint64_t h = CHECKSUM_START;
  for (int i = 0; i < q; i++) {
    long long key = next_int(&in);
    const long long *p = lower_bound(keys, (size_t)n, key);
    h = mix(h, p < keys + n && *p == key ? (long long)(p - keys) : -1);
  }
  print_checksum(h);
  return 0;
}
