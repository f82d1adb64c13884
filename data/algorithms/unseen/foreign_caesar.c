/* Caesar-shifts a generated text by every key and scores each by letter frequency; prints the best key. */
#include <stdio.h>
#include <stdlib.h>
static int best_key(const char *t, int n) {
  static const int freq[26] = {8,1,3,4,13,2,2,6,7,0,1,4,2,7,8,2,0,6,6,9,3,1,2,0,2,0};
  int best = 0; long bestScore = -1;
  for (int k = 0; k < 26; k++) {
    long score = 0;
    for (int i = 0; i < n; i++) if (t[i] >= 'a' && t[i] <= 'z') score += freq[(t[i] - 'a' + k) % 26];
    if (score > bestScore) { bestScore = score; best = k; }
  }
  return best;
}
int main(void) {
  int n = 50000; char *t = malloc(n); unsigned s = 3;
  for (int i = 0; i < n; i++) { s = s * 1664525u + 1013904223u; t[i] = (s >> 24) % 6 == 0 ? ' ' : 'a' + (s >> 16) % 26; }
  printf("%d\n", best_key(t, n)); free(t); return 0;
}
