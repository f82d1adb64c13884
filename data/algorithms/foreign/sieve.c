/* Sieve of Eratosthenes: counts the primes below SIZE (default 250000).
 * Foreign to the 12 classes: it crosses off multiples in a byte array with strided stores; nothing
 * is sorted, searched, matched, traversed as a graph or multiplied as a matrix. */
#include "foreign.h"

__attribute__((noinline)) long count_primes(unsigned char *composite, long n) {
  long count = 0;
  for (long i = 2; i < n; i++) {
    if (composite[i]) continue;
    count++;
    for (long j = i * i; j < n; j += i) composite[j] = 1;
  }
  return count;
}

int main(int argc, char **argv) {
  long n = size_argument(argc, argv, 250000, 100000000);
  unsigned char *composite = calloc((size_t)n + 1, 1);
  if (!composite) {
    fprintf(stderr, "%s: out of memory\n", argv[0]);
    return 1;
  }
  printf("primes below %ld: %ld\n", n, count_primes(composite, n));
  free(composite);
  return 0;
}
