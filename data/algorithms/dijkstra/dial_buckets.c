/* Dijkstra's algorithm with a bucket queue (Dial): integer weights of at most MAX_WEIGHT
 * let a circular array of MAX_WEIGHT + 1 doubly linked buckets replace the heap. */
#include "../common.h"

#define MAX_WEIGHT 100
#define BUCKETS (MAX_WEIGHT + 1)

typedef struct {
  int n;
  int *offsets, *targets, *weights;
} graph_t;

typedef struct {
  int *head; /* per bucket, -1 when empty */
  int *prev, *next;
} buckets_t;

static void bucket_insert(buckets_t *b, int bucket, int v) {
  b->prev[v] = -1;
  b->next[v] = b->head[bucket];
  if (b->head[bucket] >= 0) b->prev[b->head[bucket]] = v;
  b->head[bucket] = v;
}

static void bucket_remove(buckets_t *b, int bucket, int v) {
  if (b->prev[v] >= 0) b->next[b->prev[v]] = b->next[v];
  else b->head[bucket] = b->next[v];
  if (b->next[v] >= 0) b->prev[b->next[v]] = b->prev[v];
}

ALGORITHM void dijkstra_dial(const graph_t *g, int source, int *dist) {
  buckets_t b = {checked_malloc(BUCKETS * sizeof(int)), checked_malloc((size_t)g->n * sizeof(int)),
                 checked_malloc((size_t)g->n * sizeof(int))};
  for (int i = 0; i < BUCKETS; i++) b.head[i] = -1;
  for (int i = 0; i < g->n; i++) dist[i] = -1;
  dist[source] = 0;
  bucket_insert(&b, 0, source);
  int pending = 1, current = 0;
  while (pending > 0) {
    int slot = current % BUCKETS;
    int u = b.head[slot];
    if (u < 0) {
      current++;
      continue;
    }
    bucket_remove(&b, slot, u);
    pending--;
    for (int k = g->offsets[u]; k < g->offsets[u + 1]; k++) {
      int v = g->targets[k];
      int nd = current + g->weights[k];
      if (dist[v] >= 0 && dist[v] <= nd) continue;
      if (dist[v] >= 0) bucket_remove(&b, dist[v] % BUCKETS, v);
      else pending++;
      dist[v] = nd;
      bucket_insert(&b, nd % BUCKETS, v);
    }
  }
  free(b.head);
  free(b.prev);
  free(b.next);
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  edges_t e = read_edges(&in);
  graph_t g = {e.n, calloc((size_t)e.n + 1, sizeof(int)), checked_malloc((size_t)e.m * 2 * sizeof(int)),
               checked_malloc((size_t)e.m * 2 * sizeof(int))};
  for (int i = 0; i < e.m; i++) {
    if (e.w[i] < 1 || e.w[i] > MAX_WEIGHT) fail("edge weight outside 1..100", in.path);
    g.offsets[e.u[i] + 1]++;
    g.offsets[e.v[i] + 1]++;
  }
  for (int i = 0; i < e.n; i++) g.offsets[i + 1] += g.offsets[i];
  int *fill = checked_malloc((size_t)e.n * sizeof(int));
  memcpy(fill, g.offsets, (size_t)e.n * sizeof(int));
  for (int i = 0; i < e.m; i++) {
    int a = fill[e.u[i]]++, c = fill[e.v[i]]++;
    g.targets[a] = e.v[i];
    g.weights[a] = e.w[i];
    g.targets[c] = e.u[i];
    g.weights[c] = e.w[i];
  }
  int *dist = checked_malloc((size_t)e.n * sizeof *dist);
  uint64_t h = CHECKSUM_START;
  for (int s = 0; s < e.k; s++) {
    dijkstra_dial(&g, e.sources[s], dist);
    h = mix_ints(h, dist, e.n);
  }
  print_checksum(h);
  return 0;
}
