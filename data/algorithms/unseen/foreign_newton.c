/* Square roots by Newton's iteration for 1..N; prints the sum. */
#include <stdio.h>
#include <stdlib.h>
static double newton_sqrt(double x) {
  double r = x > 1 ? x / 2 : 1;
  for (int k = 0; k < 60; k++) { double next = 0.5 * (r + x / r); if (next == r) break; r = next; }
  return r;
}
int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 100000; double s = 0;
  for (long i = 1; i <= n; i++) s += newton_sqrt((double)i);
  printf("%.3f\n", s); return 0;
}
