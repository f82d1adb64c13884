/* Greatest common divisors: the sum of gcd(i, j) over 1 <= i, j <= SIZE (default 300) with
 * Euclid's algorithm by remainders. Foreign to the 12 classes: arithmetic loops on pairs of
 * scalars; no array is ordered, searched, matched or traversed. */
#include "foreign.h"

static long gcd(long a, long b) {
  while (b != 0) {
    long t = a % b;
    a = b;
    b = t;
  }
  return a;
}

__attribute__((noinline)) long gcd_sum(long size) {
  long sum = 0;
  for (long i = 1; i <= size; i++)
    for (long j = 1; j <= size; j++) sum += gcd(i, j);
  return sum;
}

int main(int argc, char **argv) {
  long size = size_argument(argc, argv, 300, 1000000);
  printf("sum of gcd(i, j) for i, j <= %ld: %ld\n", size, gcd_sum(size));
  return 0;
}
