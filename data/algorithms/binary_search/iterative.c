/* Binary search, iterative: closed interval [lo, hi], three-way comparison at the middle. */
#include "../common.h"

static int find(const int *keys, int n, int key) {
  int lo = 0, hi = n - 1;
  while (lo <= hi) {
    int mid = lo + (hi - lo) / 2;
    if (keys[mid] == key) return mid;
    if (keys[mid] < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

ALGORITHM void search_all(const int *keys, int n, const int *queries, int q, int *found) {
  for (int i = 0; i < q; i++) found[i] = find(keys, n, queries[i]);
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  int *keys = read_ints(&in, n);
  int q = (int)next_int(&in);
  int *queries = read_ints(&in, q);
  int *found = checked_malloc((size_t)q * sizeof *found);
  search_all(keys, n, queries, q, found);
  print_checksum(checksum_ints(found, q));
  return 0;
}
