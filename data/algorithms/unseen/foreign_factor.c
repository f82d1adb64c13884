/* Prime factorisation by trial division of n = 2..N; prints the sum of all prime factors. */
#include <stdio.h>
#include <stdlib.h>
static long factor_sum(long n) {
  long s = 0;
  for (long d = 2; d * d <= n; d++)
    while (n % d == 0) { s += d; n /= d; }
  return n > 1 ? s + n : s;
}
int main(int argc, char **argv) {
  long N = argc > 1 ? atol(argv[1]) : 200000, total = 0;
  for (long n = 2; n <= N; n++) total += factor_sum(n);
  printf("%ld\n", total);
  return 0;
}
