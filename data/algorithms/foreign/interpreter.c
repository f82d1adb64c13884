/* A register-machine interpreter: a generated program (fixed-seed xorshift) of 16 random
 * arithmetic instructions in a loop that runs SIZE times (default 10000), dispatched one
 * instruction at a time by a switch; prints the registers' sum.
 * Foreign to the 12 classes: a fetch-decode-execute loop whose indirect dispatch follows the
 * interpreted code; no data structure is searched, sorted, traversed or multiplied. */
#include "foreign.h"

enum opcode { LOADI, ADD, SUB, XOR, MULI, SHRI, ROTL, SKIP_IF_ODD, DEC, JNZ, HALT };
#define ARITHMETIC 8 /* LOADI..SKIP_IF_ODD may be generated in the loop body */
#define REGISTERS 8
#define BODY 16

struct instruction {
  unsigned char op, a, b;
  uint32_t imm;
};

__attribute__((noinline)) uint64_t interpret(const struct instruction *code, uint64_t *reg) {
  for (int pc = 0;; pc++) {
    const struct instruction *in = &code[pc];
    switch (in->op) {
    case LOADI: reg[in->a] = in->imm; break;
    case ADD: reg[in->a] += reg[in->b]; break;
    case SUB: reg[in->a] -= reg[in->b]; break;
    case XOR: reg[in->a] ^= reg[in->b]; break;
    case MULI: reg[in->a] *= in->imm | 1; break;
    case SHRI: reg[in->a] >>= in->imm & 31; break;
    case ROTL: {
      unsigned s = (in->imm & 62) + 1;
      reg[in->a] = (reg[in->a] << s) | (reg[in->a] >> (64 - s));
      break;
    }
    case SKIP_IF_ODD:
      if (reg[in->a] & 1) pc++;
      break;
    case DEC: reg[in->a]--; break;
    case JNZ:
      if (reg[in->a] != 0) pc = (int)in->imm - 1;
      break;
    default: { /* HALT */
      uint64_t sum = 0;
      for (int r = 0; r < REGISTERS; r++) sum += reg[r];
      return sum;
    }
    }
  }
}

int main(int argc, char **argv) {
  long iterations = size_argument(argc, argv, 10000, 100000000);
  /* Registers 0..6 are data, register 7 counts the iterations down. */
  struct instruction code[REGISTERS + BODY + 3];
  uint64_t state = 0x2545F4914F6CDD1Du;
  int n = 0;
  for (int r = 0; r < REGISTERS - 1; r++) {
    code[n++] = (struct instruction){LOADI, (unsigned char)r, 0, (uint32_t)next_random(&state)};
  }
  code[n++] = (struct instruction){LOADI, REGISTERS - 1, 0, (uint32_t)iterations};
  int loop = n;
  for (int i = 0; i < BODY; i++) {
    uint64_t x = next_random(&state);
    code[n++] = (struct instruction){(unsigned char)(x % ARITHMETIC),
                                     (unsigned char)((x >> 8) % (REGISTERS - 1)),
                                     (unsigned char)((x >> 16) % (REGISTERS - 1)),
                                     (uint32_t)(x >> 32)};
  }
  code[n++] = (struct instruction){DEC, REGISTERS - 1, 0, 0};
  code[n++] = (struct instruction){JNZ, REGISTERS - 1, 0, (uint32_t)loop};
  code[n++] = (struct instruction){HALT, 0, 0, 0};
  uint64_t reg[REGISTERS] = {0};
  printf("registers' sum after %ld iterations: %llu\n", iterations,
         (unsigned long long)interpret(code, reg));
  return 0;
}
