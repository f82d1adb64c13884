/* Merge sort of a singly linked list: split with slow/fast pointers, merge by relinking
 * nodes, recursively. */
#include "../common.h"

typedef struct node {
  int value;
  struct node *next;
} node_t;

static node_t *merge_lists(node_t *a, node_t *b) {
  node_t head;
  node_t *tail = &head;
  while (a && b) {
    if (a->value <= b->value) {
      tail->next = a;
      a = a->next;
    } else {
      tail->next = b;
      b = b->next;
    }
    tail = tail->next;
  }
  tail->next = a ? a : b;
  return head.next;
}

ALGORITHM node_t *list_merge_sort(node_t *list) {
  if (!list || !list->next) return list;
  node_t *slow = list, *fast = list->next;
  while (fast && fast->next) {
    slow = slow->next;
    fast = fast->next->next;
  }
  node_t *second = slow->next;
  slow->next = NULL;
  return merge_lists(list_merge_sort(list), list_merge_sort(second));
}

int main(int argc, char **argv) {
  input_t in = open_input(argc, argv);
  int n = (int)next_int(&in);
  node_t *nodes = checked_malloc((size_t)n * sizeof *nodes);
  for (int i = 0; i < n; i++) {
    nodes[i].value = (int)next_int(&in);
    nodes[i].next = i + 1 < n ? &nodes[i + 1] : NULL;
  }
  node_t *sorted = list_merge_sort(n ? nodes : NULL);
  uint64_t h = CHECKSUM_START;
  for (node_t *p = sorted; p; p = p->next) h = mix(h, p->value);
  print_checksum(h);
  return 0;
}
