/* A small line diff: the longest common subsequence of the lines of two files (suffix table of
 * shorts, lines compared by hash first), then a walk through the table that prints how many
 * lines are common, removed and added, and in how many hunks.  Usage: lcs_diff OLD NEW */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  char **text;
  unsigned long *hash;
  int count;
} lines_t;

static unsigned long djb2(const char *s) {
  unsigned long h = 5381;
  while (*s) h = h * 33 + (unsigned char)*s++;
  return h;
}

static int load(const char *path, lines_t *out) {
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  int cap = 64;
  char buf[512];
  out->count = 0;
  out->text = malloc(sizeof(char *) * (size_t)cap);
  while (fgets(buf, sizeof buf, f)) {
    buf[strcspn(buf, "\n")] = '\0';
    if (out->count == cap) out->text = realloc(out->text, sizeof(char *) * (size_t)(cap *= 2));
    out->text[out->count++] = strdup(buf);
  }
  fclose(f);
  out->hash = malloc(sizeof(unsigned long) * (size_t)(out->count + 1));
  for (int i = 0; i < out->count; i++) out->hash[i] = djb2(out->text[i]);
  return 1;
}

#define SAME(a, b, i, j) ((a)->hash[i] == (b)->hash[j] && strcmp((a)->text[i], (b)->text[j]) == 0)

int main(int argc, char **argv) {
  lines_t a, b;
  if (argc != 3 || !load(argv[1], &a) || !load(argv[2], &b)) {
    fprintf(stderr, "usage: %s OLD NEW (two readable files)\n", argv[0]);
    return 2;
  }
  int n = a.count, m = b.count, w = m + 1;
  unsigned short *t = calloc((size_t)(n + 1) * (size_t)w, sizeof *t);
  for (int i = n - 1; i >= 0; i--)
    for (int j = m - 1; j >= 0; j--)
      t[i * w + j] = SAME(&a, &b, i, j) ? (unsigned short)(t[(i + 1) * w + j + 1] + 1)
                     : t[(i + 1) * w + j] >= t[i * w + j + 1] ? t[(i + 1) * w + j]
                                                              : t[i * w + j + 1];
  int i = 0, j = 0, removed = 0, added = 0, hunks = 0, in_hunk = 0;
  while (i < n || j < m) {
    if (i < n && j < m && SAME(&a, &b, i, j)) {
      i++, j++, in_hunk = 0;
      continue;
    }
    if (!in_hunk) hunks++, in_hunk = 1;
    if (j == m || (i < n && t[(i + 1) * w + j] >= t[i * w + j + 1])) i++, removed++;
    else j++, added++;
  }
  printf("%d vs %d lines: %d common, %d removed, %d added, %d hunks\n", n, m, t[0], removed,
         added, hunks);
  return 0;
}
