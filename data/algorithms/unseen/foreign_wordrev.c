/* Reverses the letters of every word of a generated text in place; prints a checksum. */
#include <stdio.h>
#include <stdlib.h>
static void reverse_words(char *t, int n) {
  int i = 0;
  while (i < n) {
    while (i < n && t[i] == ' ') i++;
    int j = i;
    while (j < n && t[j] != ' ') j++;
    for (int a = i, b = j - 1; a < b; a++, b--) { char c = t[a]; t[a] = t[b]; t[b] = c; }
    i = j;
  }
}
int main(void) {
  int n = 200000; char *t = malloc(n); unsigned s = 7;
  for (int i = 0; i < n; i++) { s = s * 1664525u + 1013904223u; t[i] = (s >> 24) % 7 == 0 ? ' ' : 'a' + (s >> 16) % 26; }
  for (int r = 0; r < 5; r++) reverse_words(t, n);
  unsigned long h = 0; for (int i = 0; i < n; i++) h = h * 31 + t[i];
  printf("%lu\n", h); free(t); return 0;
}
