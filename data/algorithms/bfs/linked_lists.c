/* Breadth-first search over adjacency lists of linked nodes, with a linked-list FIFO of
 * vertices; distances are stored in the vertex records. */
#include "../common.h"

typedef struct arc {
  struct vertex *to;
  struct arc *next;
} arc_t;

typedef struct vertex {
  arc_t *arcs;
  struct vertex *next_in_queue;
  int dist;
} vertex_t;

static void add_arc(vertex_t *from, vertex_t *to, arc_t *pool, int *used) {
  arc_t *a = &pool[(*used)++];
  a->to = to;
  a->next = from->arcs;
  from->arcs = a;
}

ALGORITHM void bfs_lists(vertex_t *vertices, int n, vertex_t *source) {
  for (int i = 0; i < n; i++) vertices[i].dist = -1;
  source->dist = 0;
  source->next_in_queue = NULL;
  vertex_t *head = source, *tail = source;
  while (head) {
    for (arc_t *a = head->arcs; a; a = a->next) {
      vertex_t *v = a->to;
      if (v->dist == -1) {
        v->dist = head->dist + 1;
        v->next_in_queue = NULL;
        tail->next_in_queue = v;
        tail = v;
      }
    }
    head = head->next_in_queue;
  }
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  edges_t g = read_edges(&in);
  vertex_t *vertices = calloc((size_t)g.n, sizeof *vertices);
  arc_t *pool = checked_malloc((size_t)g.m * 2 * sizeof *pool);
  int used = 0;
  for (int e = 0; e < g.m; e++) {
    add_arc(&vertices[g.u[e]], &vertices[g.v[e]], pool, &used);
    add_arc(&vertices[g.v[e]], &vertices[g.u[e]], pool, &used);
  }
  uint64_t h = CHECKSUM_START;
  for (int s = 0; s < g.k; s++) {
    bfs_lists(vertices, g.n, &vertices[g.sources[s]]);
    for (int i = 0; i < g.n; i++) h = mix(h, vertices[i].dist);
  }
  print_checksum(h);
  return 0;
}
