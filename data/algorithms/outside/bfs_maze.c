/* Shortest path through a maze read from standard input ('#' wall, '.' floor, 'S' start, 'E'
 * exit; first line "WIDTH HEIGHT"): breadth-first search over the grid cells with a queue of
 * (row, column) pairs and direction tables; prints the path length and how many cells are
 * reachable from the start.  Usage: bfs_maze < MAZE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  short row, col;
} cell_t;

static const int DR[4] = {-1, 1, 0, 0}, DC[4] = {0, 0, -1, 1};

int main(void) {
  int width, height;
  if (scanf("%d %d", &width, &height) != 2 || width < 1 || height < 1 || width > 30000 ||
      height > 30000) {
    fprintf(stderr, "usage: bfs_maze < MAZE (\"WIDTH HEIGHT\", then the rows)\n");
    return 2;
  }
  char *grid = malloc((size_t)width * (size_t)height + 1);
  char *row = malloc((size_t)width + 2);
  cell_t start = {-1, -1}, exit_cell = {-1, -1};
  for (int r = 0; r < height; r++) {
    if (scanf("%s", row) != 1 || (int)strlen(row) != width) {
      fprintf(stderr, "row %d of the maze is missing or not %d wide\n", r + 1, width);
      return 2;
    }
    memcpy(grid + (size_t)r * width, row, (size_t)width);
    for (int c = 0; c < width; c++) {
      if (row[c] == 'S') start = (cell_t){(short)r, (short)c};
      if (row[c] == 'E') exit_cell = (cell_t){(short)r, (short)c};
    }
  }
  if (start.row < 0) {
    fprintf(stderr, "the maze has no S\n");
    return 2;
  }
  int *dist = malloc(sizeof(int) * (size_t)width * (size_t)height);
  for (int i = 0; i < width * height; i++) dist[i] = -1;
  cell_t *queue = malloc(sizeof(cell_t) * (size_t)width * (size_t)height);
  int head = 0, tail = 0, reached = 1;
  queue[tail++] = start;
  dist[start.row * width + start.col] = 0;
  while (head < tail) {
    cell_t here = queue[head++];
    for (int d = 0; d < 4; d++) {
      int r = here.row + DR[d], c = here.col + DC[d];
      if (r < 0 || r >= height || c < 0 || c >= width) continue;
      if (grid[r * width + c] == '#' || dist[r * width + c] >= 0) continue;
      dist[r * width + c] = dist[here.row * width + here.col] + 1;
      queue[tail++] = (cell_t){(short)r, (short)c};
      reached++;
    }
  }
  int steps = exit_cell.row < 0 ? -1 : dist[exit_cell.row * width + exit_cell.col];
  printf("S to E: %d steps; %d cells reachable\n", steps, reached);
  return 0;
}
