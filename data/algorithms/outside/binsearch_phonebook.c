/* Phone book lookups: a directory of entries sorted by number is searched for a series of
 * numbers with an iterative binary search over the struct array (lo <= hi). The directory and
 * the lookups come from a xorshift32 generator (seed 7).
 * Usage: binsearch_phonebook [ENTRIES [LOOKUPS]]   (default 6000 8000) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct listing {
  unsigned long number;
  char name[12];
};

static uint32_t xs = 7;

static uint32_t xorshift(void) {
  xs ^= xs << 13;
  xs ^= xs >> 17;
  xs ^= xs << 5;
  return xs;
}

static long lookup(const struct listing *book, long entries, unsigned long number) {
  long lo = 0, hi = entries - 1;
  while (lo <= hi) {
    long mid = lo + (hi - lo) / 2;
    if (book[mid].number == number) return mid;
    if (book[mid].number < number) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

int main(int argc, char **argv) {
  long entries = argc > 1 ? atol(argv[1]) : 6000, lookups = argc > 2 ? atol(argv[2]) : 8000;
  if (argc > 3 || entries < 1 || lookups < 1) {
    fprintf(stderr, "usage: %s [ENTRIES [LOOKUPS]]\n", argv[0]);
    return 2;
  }
  struct listing *book = malloc(sizeof *book * (size_t)entries);
  unsigned long number = 5550000;
  for (long i = 0; i < entries; i++) {
    number += 1 + xorshift() % 97;
    book[i].number = number;
    snprintf(book[i].name, sizeof book[i].name, "n%05d", (int)(i % 100000));
  }
  long found = 0, index_sum = 0;
  for (long q = 0; q < lookups; q++) {
    unsigned long wanted = (xorshift() & 1) ? book[xorshift() % (uint32_t)entries].number
                                            : 5550000 + xorshift() % (uint32_t)(number - 5550000 + 1);
    long at = lookup(book, entries, wanted);
    if (at >= 0) found++, index_sum += at;
  }
  printf("%ld of %ld numbers found, index sum %ld, last entry %s\n", found, lookups, index_sum,
         book[entries - 1].name);
  free(book);
  return 0;
}
