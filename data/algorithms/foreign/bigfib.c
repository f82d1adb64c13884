/* Fibonacci numbers with arbitrary precision: F(SIZE) (default 1200) by repeated addition of
 * decimal digit arrays with carries; prints its number of digits and its leading digits.
 * Foreign to the 12 classes: schoolbook big-number addition; nothing is ordered, searched,
 * matched, traversed or multiplied as a matrix. */
#include <string.h>
#include "foreign.h"

/* a += b (little-endian decimal digits); returns the new length. */
static int add_into(unsigned char *a, int len_a, const unsigned char *b, int len_b) {
  int carry = 0, len = len_a > len_b ? len_a : len_b;
  for (int i = 0; i < len; i++) {
    int s = (i < len_a ? a[i] : 0) + (i < len_b ? b[i] : 0) + carry;
    a[i] = (unsigned char)(s % 10);
    carry = s / 10;
  }
  if (carry) a[len++] = (unsigned char)carry;
  return len;
}

__attribute__((noinline)) int fibonacci_digits(long n, unsigned char *x, unsigned char *y) {
  int len_x = 1, len_y = 1; /* x = F(k), y = F(k + 1) */
  x[0] = 0;
  y[0] = 1;
  for (long k = 0; k < n; k++) {
    len_x = add_into(x, len_x, y, len_y); /* x = F(k + 2) */
    unsigned char *t = x;
    x = y;
    y = t;
    int tl = len_x;
    len_x = len_y;
    len_y = tl;
  }
  memmove(y, x, (size_t)len_x); /* the caller reads F(n) from its second buffer */
  return len_x;
}

int main(int argc, char **argv) {
  long n = size_argument(argc, argv, 1200, 1000000);
  size_t cap = (size_t)n / 4 + 16;
  unsigned char *x = calloc(cap, 1), *y = calloc(cap, 1);
  int len = fibonacci_digits(n, x, y);
  printf("F(%ld) has %d digits, leading ", n, len);
  for (int i = len - 1; i >= 0 && i >= len - 10; i--) putchar('0' + y[i]);
  putchar('\n');
  return 0;
}
