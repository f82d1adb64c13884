/* Knuth-Morris-Pratt as one prefix-function pass over "pattern, separator, text", written
 * entirely in main: every position of the text where the prefix function equals the pattern's
 * length ends a match. Standard input read whole with fread (no common.h).
 * Usage: PROGRAM < INPUT (the text, then the pattern) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  size_t cap = 1 << 16, len = 0, got;
  char *in = malloc(cap + 1);
  while ((got = fread(in + len, 1, cap - len, stdin)) > 0)
    if ((len += got) == cap) in = realloc(in, (cap *= 2) + 1);
  in[len] = '\0';
  char *text = strtok(in, " \t\r\n"), *pattern = strtok(NULL, " \t\r\n");
  if (argc != 1 || !text || !pattern) {
    fprintf(stderr, "usage: %s < INPUT (the text, then the pattern)\n", argv[0]);
    return 2;
  }
  int n = (int)strlen(text), m = (int)strlen(pattern), total = m + 1 + n;
  char *s = malloc((size_t)total + 1);
  memcpy(s, pattern, (size_t)m);
  s[m] = '\x01'; /* in neither the pattern nor the text */
  memcpy(s + m + 1, text, (size_t)n);
  int *pi = malloc(sizeof(int) * (size_t)total);
  int *found = malloc(sizeof(int) * (size_t)(n + 1)), count = 0;
  pi[0] = 0;
  for (int i = 1; i < total; i++) {
    int k = pi[i - 1];
    while (k > 0 && s[i] != s[k]) k = pi[k - 1];
    if (s[i] == s[k]) k++;
    pi[i] = k;
    if (k == m) found[count++] = i - 2 * m; /* start in the text: i - m - (m + 1) + 1 */
  }
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < count; i++) h = (h ^ (uint64_t)(int64_t)found[i]) * 1099511628211ULL;
  h = (h ^ (uint64_t)(int64_t)count) * 1099511628211ULL;
  printf("%llu\n", (unsigned long long)h);
  return 0;
}
