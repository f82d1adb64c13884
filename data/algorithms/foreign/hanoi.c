/* Tower of Hanoi: SIZE disks (default 15) are moved from the first peg to the third by the
 * classic recursion, each move popping a disk from one explicit array stack and pushing it on
 * another after checking that it is smaller than the disk it lands on; prints the moves and a
 * checksum of them. Foreign to the 12 classes: a fixed recursion pattern (2^SIZE - 1 moves)
 * pushing and popping three stacks; no data-dependent search, order or traversal. */
#include "foreign.h"

typedef struct {
  int *disk[3]; /* disk[p][0..height[p]-1], bottom first */
  int height[3];
  long moves;
  uint64_t checksum;
} pegs_t;

static int move_disk(pegs_t *p, int from, int to) {
  int d = p->disk[from][--p->height[from]];
  if (p->height[to] > 0 && p->disk[to][p->height[to] - 1] < d) return 0; /* illegal move */
  p->disk[to][p->height[to]++] = d;
  p->moves++;
  p->checksum = p->checksum * 31 + (uint64_t)(d * 9 + from * 3 + to);
  return 1;
}

/* Moves the top `count` disks from `from` to `to`; returns 0 after an illegal move. */
__attribute__((noinline)) int move_tower(pegs_t *p, int count, int from, int to, int via) {
  if (count == 0) return 1;
  return move_tower(p, count - 1, from, via, to) && move_disk(p, from, to) &&
         move_tower(p, count - 1, via, to, from);
}

int main(int argc, char **argv) {
  int n = (int)size_argument(argc, argv, 15, 30);
  pegs_t p = {.moves = 0, .checksum = 0};
  for (int k = 0; k < 3; k++) {
    p.disk[k] = malloc((size_t)n * sizeof(int));
    p.height[k] = 0;
  }
  for (int d = n; d >= 1; d--) p.disk[0][p.height[0]++] = d;
  if (!move_tower(&p, n, 0, 2, 1) || p.height[2] != n) {
    fprintf(stderr, "%s: an illegal move\n", argv[0]);
    return 1;
  }
  printf("%d disks moved in %ld moves, checksum %016llx\n", n, p.moves,
         (unsigned long long)p.checksum);
  for (int k = 0; k < 3; k++) free(p.disk[k]);
  return 0;
}
