/* Lowest-risk path across a grid of digits (the risk of entering each cell) read from a file:
 * Dijkstra's algorithm over the cells with a binary min-heap of (risk, cell) entries and lazy
 * deletion; prints the lowest total risk from the top-left to the bottom-right corner and the
 * sum of the lowest risks to every cell.  Usage: dijkstra_grid GRID_FILE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  int risk, cell;
} entry;

typedef struct {
  entry *items;
  int size;
} heap;

static void push(heap *h, entry e) {
  int i = h->size++;
  while (i > 0 && h->items[(i - 1) / 2].risk > e.risk) {
    h->items[i] = h->items[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  h->items[i] = e;
}

static entry pop(heap *h) {
  entry top = h->items[0], last = h->items[--h->size];
  int i = 0;
  for (;;) {
    int c = 2 * i + 1;
    if (c >= h->size) break;
    if (c + 1 < h->size && h->items[c + 1].risk < h->items[c].risk) c++;
    if (h->items[c].risk >= last.risk) break;
    h->items[i] = h->items[c];
    i = c;
  }
  h->items[i] = last;
  return top;
}

int main(int argc, char **argv) {
  FILE *f = argc == 2 ? fopen(argv[1], "r") : NULL;
  if (!f) {
    fprintf(stderr, "usage: %s GRID_FILE\n", argv[0]);
    return 2;
  }
  static char line[4096];
  char *grid = NULL;
  int width = 0, height = 0;
  while (fgets(line, sizeof line, f)) {
    int len = (int)strcspn(line, "\r\n");
    if (len == 0) continue;
    if (width == 0) width = len;
    if (len != width) {
      fprintf(stderr, "%s: row %d is not %d wide\n", argv[1], height + 1, width);
      return 2;
    }
    grid = realloc(grid, (size_t)width * (size_t)(height + 1));
    memcpy(grid + (size_t)height * width, line, (size_t)width);
    height++;
  }
  fclose(f);
  if (height == 0) {
    fprintf(stderr, "%s is empty\n", argv[1]);
    return 2;
  }
  int cells = width * height;
  int *best = malloc(sizeof(int) * (size_t)cells);
  for (int i = 0; i < cells; i++) best[i] = -1;
  heap h = {malloc(sizeof(entry) * (size_t)cells * 4 + 4), 0};
  best[0] = 0;
  push(&h, (entry){0, 0});
  while (h.size > 0) {
    entry e = pop(&h);
    if (e.risk != best[e.cell]) continue;
    int r = e.cell / width, c = e.cell % width;
    int next[4] = {r > 0 ? e.cell - width : -1, r + 1 < height ? e.cell + width : -1,
                   c > 0 ? e.cell - 1 : -1, c + 1 < width ? e.cell + 1 : -1};
    for (int k = 0; k < 4; k++) {
      int v = next[k];
      if (v < 0) continue;
      int risk = e.risk + (grid[v] - '0');
      if (best[v] >= 0 && best[v] <= risk) continue;
      best[v] = risk;
      push(&h, (entry){risk, v});
    }
  }
  long long total = 0;
  for (int i = 0; i < cells; i++) total += best[i];
  printf("lowest total risk %d; sum over all cells %lld\n", best[cells - 1], total);
  return 0;
}
