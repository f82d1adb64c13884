/* Binary search, recursive: half-open range [lo, hi), recursion into one half. */
#include "../common.h"

ALGORITHM int search_rec(const int *keys, int lo, int hi, int key) {
  if (lo >= hi) return -1;
  int mid = (lo + hi) >> 1;
  if (key < keys[mid]) return search_rec(keys, lo, mid, key);
  if (key > keys[mid]) return search_rec(keys, mid + 1, hi, key);
  return mid;
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  int *keys = read_ints(&in, n);
  int q = (int)next_int(&in);
  uint64_t h = CHECKSUM_START;
  for (int i = 0; i < q; i++) h = mix(h, search_rec(keys, 0, n, (int)next_int(&in)));
  print_checksum(h);
  return 0;
}
