/* Unbalanced binary search tree: inserts seeded random keys (one malloc per
 * node, so nodes scatter over the heap), then looks up a mix of present and
 * absent keys and deletes some. Branch outcomes depend on key comparisons,
 * loads on the tree's shape.
 * Usage: bst SEED KEYS LOOKUPS */
#include "kernel.h"

typedef struct tree {
  uint64_t key;
  uint64_t count;
  struct tree *left, *right;
} tree_t;

static tree_t *insert(tree_t *root, uint64_t key) {
  tree_t **link = &root;
  while (*link) {
    if (key == (*link)->key) {
      (*link)->count++;
      return root;
    }
    link = key < (*link)->key ? &(*link)->left : &(*link)->right;
  }
  tree_t *node = checked_malloc(sizeof *node);
  node->key = key;
  node->count = 1;
  node->left = node->right = NULL;
  *link = node;
  return root;
}

static const tree_t *lookup(const tree_t *node, uint64_t key) {
  while (node && node->key != key) node = key < node->key ? node->left : node->right;
  return node;
}

/* Deletes `key` if present (replacing a two-child node by its successor). */
static tree_t *delete(tree_t *root, uint64_t key) {
  tree_t **link = &root;
  while (*link && (*link)->key != key) link = key < (*link)->key ? &(*link)->left : &(*link)->right;
  tree_t *node = *link;
  if (!node) return root;
  if (node->left && node->right) {
    tree_t **succ = &node->right;
    while ((*succ)->left) succ = &(*succ)->left;
    tree_t *s = *succ;
    *succ = s->right;
    node->key = s->key;
    node->count = s->count;
    free(s);
  } else {
    *link = node->left ? node->left : node->right;
    free(node);
  }
  return root;
}

int main(int argc, char **argv) {
  if (argc != 4) die("usage: bst SEED KEYS LOOKUPS");
  uint64_t state = parse_count(argv[1], "SEED");
  uint64_t keys = parse_count(argv[2], "KEYS");
  uint64_t lookups = parse_count(argv[3], "LOOKUPS");
  uint64_t range = keys * 4 + 1;
  tree_t *root = NULL;
  for (uint64_t i = 0; i < keys; i++) root = insert(root, next_random(&state) % range);
  uint64_t found = 0, checksum = 0;
  for (uint64_t i = 0; i < lookups; i++) {
    uint64_t key = next_random(&state) % range;
    const tree_t *hit = lookup(root, key);
    if (hit) {
      found++;
      checksum += hit->count * (key & 255);
    }
    if ((i & 15) == 0) root = delete(root, key);
    if ((i & 15) == 8) root = insert(root, next_random(&state) % range);
  }
  printf("bst: %llu keys, %llu lookups, %llu found, checksum %llu\n", (unsigned long long)keys,
         (unsigned long long)lookups, (unsigned long long)found, (unsigned long long)checksum);
  return 0;
}
