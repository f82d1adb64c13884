/* Dijkstra's algorithm whose priority queue is a doubly linked list kept sorted by distance:
 * the minimum is the head, and a decrease-key unlinks the vertex and walks from the head to its
 * new place. Neighbour arrays sized by a degree pass. The file is read with fopen/fscanf (no
 * common.h).  Usage: PROGRAM INPUT_FILE */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct item {
  int vertex;
  long dist;
  int queued;
  struct item *prev, *next;
} item_t;

static void unlink_item(item_t **head, item_t *it) {
  if (it->prev) it->prev->next = it->next;
  else *head = it->next;
  if (it->next) it->next->prev = it->prev;
}

static void insert_sorted(item_t **head, item_t *it) {
  item_t *prev = NULL, *cur = *head;
  while (cur && cur->dist <= it->dist) prev = cur, cur = cur->next;
  it->prev = prev;
  it->next = cur;
  if (prev) prev->next = it;
  else *head = it;
  if (cur) cur->prev = it;
}

__attribute__((noinline)) void list_dijkstra(int n, int **adj, int **weight, const int *degree,
                                             int source, item_t *items) {
  for (int v = 0; v < n; v++) {
    items[v].vertex = v;
    items[v].dist = -1;
    items[v].queued = 0;
  }
  item_t *queue = NULL;
  items[source].dist = 0;
  items[source].queued = 1;
  insert_sorted(&queue, &items[source]);
  while (queue) {
    item_t *u = queue;
    unlink_item(&queue, u);
    u->queued = 0;
    for (int i = 0; i < degree[u->vertex]; i++) {
      item_t *v = &items[adj[u->vertex][i]];
      long d = u->dist + weight[u->vertex][i];
      if (v->dist >= 0 && !v->queued) continue; /* already final */
      if (v->dist >= 0 && d >= v->dist) continue;
      if (v->queued) unlink_item(&queue, v);
      v->dist = d;
      v->queued = 1;
      insert_sorted(&queue, v);
    }
  }
}

int main(int argc, char **argv) {
  FILE *f = argc == 2 ? fopen(argv[1], "r") : NULL;
  int n, m;
  if (!f || fscanf(f, "%d %d", &n, &m) != 2) {
    fprintf(stderr, "usage: %s INPUT_FILE (a readable graph file)\n", argv[0]);
    return 2;
  }
  int *eu = malloc(sizeof(int) * (size_t)m), *ev = malloc(sizeof(int) * (size_t)m);
  int *ew = malloc(sizeof(int) * (size_t)m), *degree = calloc((size_t)n, sizeof(int));
  for (int e = 0; e < m; e++) {
    if (fscanf(f, "%d %d %d", &eu[e], &ev[e], &ew[e]) != 3) {
      fprintf(stderr, "error: %s holds fewer than %d edges\n", argv[1], m);
      return 2;
    }
    degree[eu[e]]++, degree[ev[e]]++;
  }
  int **adj = malloc(sizeof(int *) * (size_t)n), **weight = malloc(sizeof(int *) * (size_t)n);
  int *fill = calloc((size_t)n, sizeof(int));
  for (int v = 0; v < n; v++) {
    adj[v] = malloc(sizeof(int) * (size_t)(degree[v] + 1));
    weight[v] = malloc(sizeof(int) * (size_t)(degree[v] + 1));
  }
  for (int e = 0; e < m; e++) {
    adj[eu[e]][fill[eu[e]]] = ev[e], weight[eu[e]][fill[eu[e]]++] = ew[e];
    adj[ev[e]][fill[ev[e]]] = eu[e], weight[ev[e]][fill[ev[e]]++] = ew[e];
  }
  item_t *items = malloc(sizeof(item_t) * (size_t)n);
  int k, source;
  if (fscanf(f, "%d", &k) != 1) return 2;
  uint64_t h = 14695981039346656037ULL;
  for (int s = 0; s < k && fscanf(f, "%d", &source) == 1; s++) {
    list_dijkstra(n, adj, weight, degree, source, items);
    for (int v = 0; v < n; v++) h = (h ^ (uint64_t)items[v].dist) * 1099511628211ULL;
  }
  fclose(f);
  printf("%llu\n", (unsigned long long)h);
  return 0;
}
