/* Longest common subsequence top-down: a recursive function over suffixes with a memo table
 * (-1 = not computed yet) held in an array of row pointers. */
#include "../common.h"

typedef struct {
  const char *a, *b;
  int n, m;
  short **memo;
} lcs_t;

static int lcs_from(lcs_t *s, int i, int j) {
  if (i == s->n || j == s->m) return 0;
  if (s->memo[i][j] >= 0) return s->memo[i][j];
  int r;
  if (s->a[i] == s->b[j]) {
    r = 1 + lcs_from(s, i + 1, j + 1);
  } else {
    int down = lcs_from(s, i + 1, j);
    int right = lcs_from(s, i, j + 1);
    r = down > right ? down : right;
  }
  s->memo[i][j] = (short)r;
  return r;
}

ALGORITHM int lcs_memo(const char *a, int n, const char *b, int m) {
  lcs_t s = {a, b, n, m, checked_malloc((size_t)n * sizeof(short *))};
  for (int i = 0; i < n; i++) {
    s.memo[i] = checked_malloc((size_t)m * sizeof(short));
    for (int j = 0; j < m; j++) s.memo[i][j] = -1;
  }
  int result = lcs_from(&s, 0, 0);
  for (int i = 0; i < n; i++) free(s.memo[i]);
  free(s.memo);
  return result;
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n, m;
  char *a = next_word(&in, &n);
  char *b = next_word(&in, &m);
  print_checksum(mix(CHECKSUM_START, lcs_memo(a, n, b, m)));
  return 0;
}
