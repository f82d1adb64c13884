/* Arithmetic expressions: SIZE random expressions (default 1500) over numbers of 1-3 digits,
 * + - * and parentheses, nested up to 6 deep (fixed-seed xorshift), are written as strings and
 * evaluated by a recursive-descent parser (modulo 2^64); prints the characters parsed and the
 * sum of the values. Foreign to the 12 classes: a grammar-driven recursive walk over characters
 * (precedence by mutual recursion); nothing is sorted, searched for, matched or traversed. */
#include "foreign.h"

#define LONGEST 256 /* an expression nested 6 deep has at most 255 characters */

static uint64_t parse_sum(const char **at);

static uint64_t parse_factor(const char **at) {
  if (**at == '(') {
    (*at)++;
    uint64_t value = parse_sum(at);
    (*at)++; /* ')' */
    return value;
  }
  uint64_t value = 0;
  while (**at >= '0' && **at <= '9') value = value * 10 + (uint64_t)(*(*at)++ - '0');
  return value;
}

static uint64_t parse_product(const char **at) {
  uint64_t value = parse_factor(at);
  while (**at == '*') {
    (*at)++;
    value *= parse_factor(at);
  }
  return value;
}

static uint64_t parse_sum(const char **at) {
  uint64_t value = parse_product(at);
  while (**at == '+' || **at == '-') {
    char op = *(*at)++;
    uint64_t rhs = parse_product(at);
    value = op == '+' ? value + rhs : value - rhs;
  }
  return value;
}

__attribute__((noinline)) uint64_t evaluate_all(const char *text, long n, long *chars) {
  uint64_t sum = 0;
  for (long i = 0; i < n; i++) {
    const char *at = text + i * LONGEST;
    sum += parse_sum(&at);
    *chars += at - (text + i * LONGEST);
  }
  return sum;
}

/* Writes a random expression at most `depth` deep; returns the position after it. */
static char *generate(char *out, int depth, uint64_t *state) {
  uint64_t r = next_random(state);
  if (depth == 0 || r % 8 < 2) {
    for (int digits = 1 + (int)((r >> 8) % 3); digits > 0; digits--, r >>= 4)
      *out++ = (char)('0' + (r >> 16) % 10);
    return out;
  }
  if (r % 8 == 2) {
    *out++ = '(';
    out = generate(out, depth - 1, state);
    *out++ = ')';
    return out;
  }
  out = generate(out, depth - 1, state);
  *out++ = "+-*"[(r >> 8) % 3];
  return generate(out, depth - 1, state);
}

int main(int argc, char **argv) {
  long n = size_argument(argc, argv, 1500, 1000000);
  char *text = malloc((size_t)n * LONGEST);
  uint64_t state = 0x6a09e667f3bcc908ULL;
  for (long i = 0; i < n; i++) *generate(text + i * LONGEST, 6, &state) = '\0';
  long chars = 0;
  uint64_t sum = evaluate_all(text, n, &chars);
  printf("%ld expressions, %ld characters, sum of values %llu\n", n, chars,
         (unsigned long long)sum);
  free(text);
  return 0;
}
