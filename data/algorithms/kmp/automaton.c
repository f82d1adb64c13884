/* Knuth-Morris-Pratt as a deterministic automaton: the failure links are folded into a full
 * transition table dfa[state][byte] (built with a restart state), then the text is one table
 * lookup per character. */
#include "../common.h"

ALGORITHM int kmp_automaton(const unsigned char *t, int n, const unsigned char *p, int m,
                            int *matches) {
  int (*dfa)[256] = calloc((size_t)m + 1, sizeof *dfa);
  dfa[0][p[0]] = 1;
  int restart = 0;
  for (int s = 1; s <= m; s++) {
    for (int c = 0; c < 256; c++) dfa[s][c] = dfa[restart][c];
    if (s < m) {
      dfa[s][p[s]] = s + 1;
      restart = dfa[restart][p[s]];
    }
  }
  int state = 0, count = 0;
  for (int i = 0; i < n; i++) {
    state = dfa[state][t[i]];
    if (state == m) matches[count++] = i - m + 1;
  }
  free(dfa);
  return count;
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n, m;
  char *text = next_word(&in, &n);
  char *pattern = next_word(&in, &m);
  int *matches = checked_malloc((size_t)n * sizeof *matches);
  int count = kmp_automaton((unsigned char *)text, n, (unsigned char *)pattern, m, matches);
  print_checksum(mix(checksum_ints(matches, count), count));
  return 0;
}
