/* Breadth-first search as a recursion over levels: a call receives the current frontier,
 * labels the unvisited neighbours with the next level into a new frontier and recurses on it.
 * Forward-star adjacency (head/next/target arrays). The file is read whole and parsed with
 * strtol (no common.h).  Usage: PROGRAM INPUT_FILE */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
  int n;
  int *head;   /* first arc of each vertex, -1 when none */
  int *next;   /* next arc of the same vertex */
  int *target; /* where the arc goes */
} star_t;

static void expand(const star_t *g, const int *frontier, int size, int level, int *dist) {
  if (size == 0) return;
  int *next_frontier = malloc(sizeof(int) * (size_t)g->n);
  int next_size = 0;
  for (int i = 0; i < size; i++) {
    for (int arc = g->head[frontier[i]]; arc >= 0; arc = g->next[arc]) {
      int v = g->target[arc];
      if (dist[v] < 0) {
        dist[v] = level + 1;
        next_frontier[next_size++] = v;
      }
    }
  }
  expand(g, next_frontier, next_size, level + 1, dist);
  free(next_frontier);
}

__attribute__((noinline)) void recursive_bfs(const star_t *g, int source, int *dist) {
  for (int v = 0; v < g->n; v++) dist[v] = -1;
  dist[source] = 0;
  expand(g, &source, 1, 0, dist);
}

static long take(char **p) {
  char *end;
  long v = strtol(*p, &end, 10);
  if (end == *p) {
    fprintf(stderr, "error: the input file ends too early\n");
    exit(2);
  }
  *p = end;
  return v;
}

int main(int argc, char **argv) {
  FILE *f = argc == 2 ? fopen(argv[1], "rb") : NULL;
  if (!f) {
    fprintf(stderr, "usage: %s INPUT_FILE (a readable file)\n", argv[0]);
    return 2;
  }
  size_t cap = 1 << 15, len = 0, got;
  char *text = malloc(cap + 1);
  while ((got = fread(text + len, 1, cap - len, f)) > 0)
    if ((len += got) == cap) text = realloc(text, (cap *= 2) + 1);
  text[len] = '\0';
  fclose(f);
  char *p = text;
  star_t g;
  g.n = (int)take(&p);
  int m = (int)take(&p);
  g.head = malloc(sizeof(int) * (size_t)g.n);
  g.next = malloc(sizeof(int) * (size_t)(2 * m + 1));
  g.target = malloc(sizeof(int) * (size_t)(2 * m + 1));
  for (int v = 0; v < g.n; v++) g.head[v] = -1;
  for (int e = 0, arc = 0; e < m; e++) {
    int u = (int)take(&p), v = (int)take(&p);
    take(&p); /* weight */
    g.target[arc] = v, g.next[arc] = g.head[u], g.head[u] = arc, arc++;
    g.target[arc] = u, g.next[arc] = g.head[v], g.head[v] = arc, arc++;
  }
  int k = (int)take(&p);
  int *dist = malloc(sizeof(int) * (size_t)g.n);
  uint64_t h = 14695981039346656037ULL;
  for (int s = 0; s < k; s++) {
    recursive_bfs(&g, (int)take(&p), dist);
    for (int v = 0; v < g.n; v++) h = (h ^ (uint64_t)(int64_t)dist[v]) * 1099511628211ULL;
  }
  printf("%llu\n", (unsigned long long)h);
  free(text);
  return 0;
}
