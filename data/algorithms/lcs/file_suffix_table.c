/* Longest common subsequence over suffixes: t[i][j] is the LCS of a[i..] and b[j..], filled
 * from the bottom-right corner, in a table of unsigned shorts addressed as a pointer to a
 * variable-length row type. The file is read with fopen and fscanf("%s") (no common.h).
 * Usage: PROGRAM INPUT_FILE */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) unsigned suffix_lcs(const char *a, int n, const char *b, int m) {
  unsigned short (*t)[m + 1] = calloc((size_t)(n + 1), sizeof *t);
  for (int i = n - 1; i >= 0; i--) {
    for (int j = m - 1; j >= 0; j--) {
      if (a[i] == b[j]) t[i][j] = (unsigned short)(t[i + 1][j + 1] + 1);
      else t[i][j] = t[i + 1][j] > t[i][j + 1] ? t[i + 1][j] : t[i][j + 1];
    }
  }
  unsigned result = t[0][0];
  free(t);
  return result;
}

int main(int argc, char **argv) {
  static char a[1 << 16], b[1 << 16];
  FILE *f = argc == 2 ? fopen(argv[1], "r") : NULL;
  if (!f || fscanf(f, "%65535s %65535s", a, b) != 2) {
    fprintf(stderr, "usage: %s INPUT_FILE (two words, each under 65536 letters)\n", argv[0]);
    return 2;
  }
  fclose(f);
  unsigned result = suffix_lcs(a, (int)strlen(a), b, (int)strlen(b));
  printf("%llu\n", (unsigned long long)((14695981039346656037ULL ^ result) * 1099511628211ULL));
  return 0;
}
