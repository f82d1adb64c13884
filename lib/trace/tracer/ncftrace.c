/*
 * ncftrace: a Valgrind tool that records every executed conditional branch
 * and every memory read of a program, with optional register snapshots, into
 * the compact trace format described in lib/trace/FORMAT.md.
 *
 * Hot path: the instrumented code never calls a helper per event. Each
 * executed superblock reserves a fixed-size slot in a raw buffer and fills it
 * with plain stores (slot layout below); a helper runs only when the raw
 * buffer is full, when a snapshot is wanted, or at the window's end. The
 * encoder turns slots into the compact format out of the hot path:
 * flush_raw's inlined loop for whole, predicted, snapshot-free blocks (nearly
 * all), encode_slot for the rest. The encoder is most of the tool's cost
 * (about 3.5 ns per load, 2-3 ns per block): keep its fast path free of
 * pointer chains, vector stores into the site state (a 16-byte store read
 * back as 8-byte halves stalls store forwarding) and data-dependent branches.
 *
 * Raw slot of a superblock (words):
 *   [0] Block* descriptor  [1] instruction count before the block
 *   [2] events done (the last event stored writes its index + 1), and in
 *       bits 32..63 the slot's length in words (the encoder steps through
 *       slots without loading the descriptor first)
 *   then per event, in execution order: load = address, value;
 *   branch = taken; and when the event's site may take a snapshot:
 *   flag (1 = taken), 16 registers.
 *
 * Exactness (see NOTES.md): guest chasing is off (one superblock = one basic
 * block, `a && b` stays two branches) and registers are written back at
 * every instruction, so loads are never optimised away and the guest state
 * at an instruction's start is its pre-instruction register file.
 */
#include "pub_tool_basics.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcfile.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_machine.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_clientstate.h"
#include "pub_tool_xarray.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_vki.h"
#include "pub_tool_vkiscnums.h"
#include "libvex_guest_amd64.h"
#include "libvex_guest_offsets.h"
#include <cpuid.h>     /* header-only: inline assembly */
#include <smmintrin.h> /* header-only: compiler intrinsics */
#include <wmmintrin.h>

#define OFFSET_CMSTART offsetof(VexGuestAMD64State, guest_CMSTART)
#define OFFSET_CMLEN offsetof(VexGuestAMD64State, guest_CMLEN)

#define FORMAT_VERSION 2
#define N_REGS 16

/* ------------------------------------------------------------------ */
/* Options                                                             */
/* ------------------------------------------------------------------ */

static const HChar* clo_out = NULL;
static ULong clo_skip = 0;
static ULong clo_window = 0;
static Bool clo_stop_after_window = True;
static const HChar* clo_snapshots = "none";
static ULong clo_max_bytes = 0;          /* 0 = no cap */
static Bool clo_deterministic = False;   /* fixed clocks and randomness */
static const HChar* clo_program = NULL;  /* the program's name in the header */

/* Parsed snapshot specification (lib/trace/README.md has the grammar). */
#define MAX_SELECTORS 64
typedef struct {
   Bool branches, loads;
   Int n_at;
   HChar* at_object[MAX_SELECTORS];
   Addr at_offset[MAX_SELECTORS];
   Bool at_matched[MAX_SELECTORS];
   Int n_pc;
   Addr pc[MAX_SELECTORS];
   Bool pc_matched[MAX_SELECTORS];
   ULong every;        /* 1 = every execution */
   ULong max_per_site; /* 0 = no thinning */
   Int lead_kind;      /* LEAD_INSN, LEAD_BLOCK, LEAD_INSNS */
   ULong lead_insns;
} SnapSpec;
enum { LEAD_INSN, LEAD_BLOCK, LEAD_INSNS };
#define MAX_LEAD_INSNS 4096
static SnapSpec spec;
static Bool any_snapshots = False;

static Bool parse_u64(const HChar* s, ULong* out)
{
   HChar* end;
   if (s[0] == 0) return False;
   if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
      if (s[2] == 0) return False;
      *out = VG_(strtoull16)(s + 2, &end);
   } else {
      *out = VG_(strtoull10)(s, &end);
   }
   return *end == 0;
}

/* Parses SPEC into `spec`; returns NULL or an error message. */
static const HChar* parse_snapshot_spec(const HChar* text)
{
   static HChar msg[256];
   HChar* copy = VG_(strdup)("ncf.spec", text);
   HChar* tok = copy;
   Bool selected = False, saw_none = False;
   VG_(memset)(&spec, 0, sizeof spec);
   spec.every = 1;
   while (tok) {
      HChar* comma = VG_(strchr)(tok, ',');
      if (comma) *comma = 0;
      if (VG_(strcmp)(tok, "none") == 0) {
         saw_none = True;
      } else if (VG_(strcmp)(tok, "branches") == 0) {
         spec.branches = True; selected = True;
      } else if (VG_(strcmp)(tok, "loads") == 0) {
         spec.loads = True; selected = True;
      } else if (VG_(strcmp)(tok, "all") == 0) {
         spec.branches = spec.loads = True; selected = True;
      } else if (VG_(strncmp)(tok, "at=", 3) == 0) {
         HChar* plus = VG_(strrchr)(tok + 3, '+');
         ULong off;
         if (!plus || plus == tok + 3 || !parse_u64(plus + 1, &off)) {
            VG_(snprintf)(msg, sizeof msg, "'%s': expected at=OBJECT+0xOFFSET", tok);
            return msg;
         }
         if (spec.n_at == MAX_SELECTORS) return "too many at= selectors (at most 64)";
         *plus = 0;
         spec.at_object[spec.n_at] = VG_(strdup)("ncf.spec", tok + 3);
         spec.at_offset[spec.n_at++] = off;
         selected = True;
      } else if (VG_(strncmp)(tok, "pc=", 3) == 0) {
         ULong pc;
         if (!parse_u64(tok + 3, &pc)) {
            VG_(snprintf)(msg, sizeof msg, "'%s': expected pc=0xADDRESS", tok);
            return msg;
         }
         if (spec.n_pc == MAX_SELECTORS) return "too many pc= selectors (at most 64)";
         spec.pc[spec.n_pc++] = pc;
         selected = True;
      } else if (VG_(strncmp)(tok, "every=", 6) == 0) {
         if (!parse_u64(tok + 6, &spec.every) || spec.every == 0) {
            VG_(snprintf)(msg, sizeof msg, "'%s': expected every=N with N >= 1", tok);
            return msg;
         }
      } else if (VG_(strncmp)(tok, "max-per-site=", 13) == 0) {
         if (!parse_u64(tok + 13, &spec.max_per_site) || spec.max_per_site == 0) {
            VG_(snprintf)(msg, sizeof msg, "'%s': expected max-per-site=K with K >= 1", tok);
            return msg;
         }
      } else if (VG_(strncmp)(tok, "lead=", 5) == 0) {
         const HChar* v = tok + 5;
         if (VG_(strcmp)(v, "block") == 0) {
            spec.lead_kind = LEAD_BLOCK;
         } else if (parse_u64(v, &spec.lead_insns) && spec.lead_insns <= MAX_LEAD_INSNS) {
            spec.lead_kind = spec.lead_insns == 0 ? LEAD_INSN : LEAD_INSNS;
         } else {
            VG_(snprintf)(msg, sizeof msg,
                          "'%s': expected lead=0, lead=block or lead=K with 1 <= K <= %d",
                          tok, MAX_LEAD_INSNS);
            return msg;
         }
      } else {
         VG_(snprintf)(msg, sizeof msg, "unknown snapshot item '%s'", tok);
         return msg;
      }
      tok = comma ? comma + 1 : NULL;
   }
   if (saw_none && selected) return "'none' cannot be combined with a selector";
   if (!selected && !saw_none)
      return "modifiers (every=, max-per-site=, lead=) need a selector "
             "(branches, loads, all, at=..., pc=...)";
   any_snapshots = selected;
   return NULL;
}

static Bool process_cmd_line_option(const HChar* arg)
{
   const HChar* tmp;
   if VG_STR_CLO(arg, "--ncf-out", clo_out) {}
   else if VG_STR_CLO(arg, "--ncf-skip", tmp) {
      if (!parse_u64(tmp, &clo_skip)) VG_(fmsg_bad_option)(arg, "expected a count\n");
   }
   else if VG_STR_CLO(arg, "--ncf-window", tmp) {
      if (!parse_u64(tmp, &clo_window)) VG_(fmsg_bad_option)(arg, "expected a count\n");
   }
   else if VG_STR_CLO(arg, "--ncf-after-window", tmp) {
      if (VG_(strcmp)(tmp, "stop") == 0) clo_stop_after_window = True;
      else if (VG_(strcmp)(tmp, "run") == 0) clo_stop_after_window = False;
      else VG_(fmsg_bad_option)(arg, "expected stop or run\n");
   }
   else if VG_STR_CLO(arg, "--ncf-max-bytes", tmp) {
      if (!parse_u64(tmp, &clo_max_bytes)) VG_(fmsg_bad_option)(arg, "expected a count\n");
   }
   else if VG_STR_CLO(arg, "--ncf-program", clo_program) {}
   else if VG_BOOL_CLO(arg, "--ncf-deterministic", clo_deterministic) {}
   else if VG_STR_CLO(arg, "--ncf-snapshots", clo_snapshots) {
      const HChar* err = parse_snapshot_spec(clo_snapshots);
      if (err) VG_(fmsg_bad_option)(arg, "%s\n", err);
   }
   else return False;
   return True;
}

static void print_usage(void)
{
   VG_(printf)(
"    --ncf-out=FILE              trace file to write (required)\n"
"    --ncf-skip=N                instructions to skip before recording [0]\n"
"    --ncf-window=M              instructions to record, 0 = to the end [0]\n"
"    --ncf-after-window=stop|run stop the program at the window's end, or let\n"
"                                it run on unrecorded [stop]\n"
"    --ncf-snapshots=SPEC        register snapshots: none|branches|loads|all|\n"
"                                at=OBJ+0xOFF|pc=0xADDR with every=N,\n"
"                                max-per-site=K, lead=0|block|K [none]\n"
"    --ncf-max-bytes=N           stop the program once the trace has about N\n"
"                                bytes, 0 = no cap [0]\n"
"    --ncf-program=PATH          the program's path as the header records it\n"
"                                [the path Valgrind runs]\n"
"    --ncf-deterministic=yes|no  clocks read one ns per instruction, random\n"
"                                bytes come from a fixed generator [no]\n");
}

static void print_debug_usage(void) {}

/* ------------------------------------------------------------------ */
/* Checksums: CRC-32 (IEEE 802.3, zlib's)                              */
/* ------------------------------------------------------------------ */

/* Bytes one at a time through a table; the bulk by folding with carry-less
   multiplication (PCLMULQDQ, every x86-64 since 2010), 64 bytes per step, as
   zlib and Linux do (constants of Intel's "Fast CRC Computation for Generic
   Polynomials Using PCLMULQDQ"): about 6x faster than slicing by 8 here, so
   that checksums cost little next to encoding. */
static UInt crc_table[256];
static Bool crc_clmul;

static void crc32_init(void)
{
   for (UInt n = 0; n < 256; n++) {
      UInt c = n;
      for (Int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      crc_table[n] = c;
   }
   UInt a, b, c, d;
   crc_clmul = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_PCLMUL) && (c & bit_SSE4_1);
}

/* The CRC state (not inverted) after `n` more bytes. */
static UInt crc_bytes(UInt c, const UChar* p, SizeT n)
{
   for (; n; n--) c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
   return c;
}

/* The same for `n` >= 64 bytes, a multiple of 16. */
__attribute__((target("pclmul,sse4.1"))) static UInt crc_fold(UInt crc, const UChar* p, SizeT n)
{
   const __m128i k1k2 = _mm_set_epi64x(0x01c6e41596, 0x0154442bd4);
   const __m128i k3k4 = _mm_set_epi64x(0x00ccaa009e, 0x01751997d0);
   const __m128i k5 = _mm_set_epi64x(0, 0x0163cd6124);
   const __m128i poly = _mm_set_epi64x(0x01f7011641, 0x01db710641); /* u', P(x)' */
   const __m128i low32 = _mm_setr_epi32(~0, 0, ~0, 0);
   __m128i x[4];
   for (Int i = 0; i < 4; i++) x[i] = _mm_loadu_si128((const __m128i*)(p + 16 * i));
   x[0] = _mm_xor_si128(x[0], _mm_cvtsi32_si128(crc));
   for (p += 64, n -= 64; n >= 64; p += 64, n -= 64)
      for (Int i = 0; i < 4; i++)
         x[i] = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x[i], k1k2, 0x00),
                                            _mm_clmulepi64_si128(x[i], k1k2, 0x11)),
                              _mm_loadu_si128((const __m128i*)(p + 16 * i)));
   __m128i r = x[0];
   for (Int i = 1; i < 4; i++)
      r = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(r, k3k4, 0x00),
                                      _mm_clmulepi64_si128(r, k3k4, 0x11)), x[i]);
   for (; n >= 16; p += 16, n -= 16)
      r = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(r, k3k4, 0x00),
                                      _mm_clmulepi64_si128(r, k3k4, 0x11)),
                        _mm_loadu_si128((const __m128i*)p));
   /* 128 bits to 64, then Barrett reduction to 32. */
   r = _mm_xor_si128(_mm_srli_si128(r, 8), _mm_clmulepi64_si128(r, k3k4, 0x10));
   r = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(r, low32), k5, 0x00),
                     _mm_srli_si128(r, 4));
   __m128i t = _mm_and_si128(_mm_clmulepi64_si128(_mm_and_si128(r, low32), poly, 0x10), low32);
   r = _mm_xor_si128(r, _mm_clmulepi64_si128(t, poly, 0x00));
   return _mm_extract_epi32(r, 1);
}

static UInt crc32(const UChar* p, SizeT n)
{
   UInt c = ~0u;
   if (crc_clmul && n >= 64) {
      SizeT bulk = n & ~(SizeT)15;
      c = crc_fold(c, p, bulk);
      p += bulk;
      n -= bulk;
   }
   return ~crc_bytes(c, p, n);
}

static void put_le32(UChar* at, UInt v)
{
   for (Int i = 0; i < 4; i++) at[i] = (v >> (8 * i)) & 0xff;
}

/* ------------------------------------------------------------------ */
/* Output: records in a buffer, written as checksummed frames          */
/* ------------------------------------------------------------------ */

/* Written out once OB_FLUSH bytes are buffered: small enough to stay in
   the cache (a large buffer evicts the raw buffer and the program's data);
   OB_SIZE bounds the largest single reservation and a frame's payload. */
#define OB_SIZE (2u << 20)
#define OB_FLUSH (256u << 10)
STATIC_ASSERT(OB_SIZE - OB_FLUSH > 4096 * 20 + 64);
static UChar* ob_frame; /* 4 bytes of frame length, then the records (ob) */
static UChar* ob;
static UInt ob_len = 0;
static Int out_fd = -1;
static ULong bytes_written = 0;

static void write_raw(const UChar* p, UInt n)
{
   UInt done = 0;
   while (done < n) {
      Int w = VG_(write)(out_fd, p + done, n - done);
      if (w <= 0) {
         VG_(umsg)("ncftrace: error: cannot write %s (disk full?); trace left incomplete\n",
                   clo_out);
         VG_(exit)(1);
      }
      done += w;
   }
   bytes_written += n;
}

/* Writes the buffered records as one frame: length, records, CRC-32 of both. */
static void ob_write_out(void)
{
   if (ob_len == 0) return; /* an empty frame would end the records */
   put_le32(ob_frame, ob_len);
   put_le32(ob + ob_len, crc32(ob_frame, 4 + ob_len));
   write_raw(ob_frame, 8 + ob_len);
   ob_len = 0;
}

/* Makes room for `n` more bytes. */
static inline void ob_reserve(UInt n)
{
   tl_assert(n <= OB_SIZE);
   if (ob_len + n > OB_SIZE || ob_len >= OB_FLUSH) ob_write_out();
}

static inline void put_varint(ULong v)
{
   while (v >= 0x80) {
      ob[ob_len++] = (UChar)(v | 0x80);
      v >>= 7;
   }
   ob[ob_len++] = (UChar)v;
}

static inline ULong zigzag(Long v) { return ((ULong)v << 1) ^ (ULong)(v >> 63); }

/* Hot-path varint: writes at `o`, returns the next free byte. */
static inline UChar* varint_at(UChar* o, ULong v)
{
   while (v >= 0x80) {
      *o++ = (UChar)(v | 0x80);
      v >>= 7;
   }
   *o++ = (UChar)v;
   return o;
}

/* Varint for the common case, values under 2^14, without a data-dependent
   branch: writes 2 bytes at `o` (the output buffer has slack for it) and
   returns o + length. */
typedef UShort __attribute__((may_alias, aligned(1))) UnalignedUShort;
static inline UChar* varint_fast(UChar* o, ULong v)
{
   if (__builtin_expect(v >= 0x4000, 0)) return varint_at(o, v);
   /* For v < 2^14: v + (v & 0x3f80) = (v & 0x7f) | (v & 0x3f80) << 1, and
      v + 0x7f80 has bit 15 set iff v >= 0x80 (the continuation bit). */
   UInt c = (UInt)v + 0x7f80;
   *(UnalignedUShort*)o = (UShort)((v + (v & 0x3f80)) | ((c >> 8) & 0x80));
   return o + 1 + (c >> 15);
}

static void put_bytes(const void* p, UInt n)
{
   VG_(memcpy)(ob + ob_len, p, n);
   ob_len += n;
}

/* ------------------------------------------------------------------ */
/* Objects and sites                                                   */
/* ------------------------------------------------------------------ */

enum { KIND_BRANCH = 0, KIND_LOAD = 1 };

typedef struct {
   HChar* path;
   UInt enc_id; /* 0 = not yet in the trace, else id + 1 */
} Object;

static Object* objects;
static UInt n_objects = 0, cap_objects = 0;

typedef struct Site {
   /* encoder state (mirrored by the reader), first: the hot path reads it */
   ULong prev_addr, prev_stride, prev_value;
   UInt shift;        /* 64 - 8 * size for reads under 8 bytes, else 0 */
   Addr pc;
   UChar kind;
   UChar operand;
   UInt size;
   UInt object;
   Addr offset;
   Bool snap;
   UInt enc_id;
   struct Site* next; /* hash chain */
   /* snapshot selection */
   ULong executions, eligible, kept_at_stride, stride;
   ULong* prev_regs;
} Site;

#define SITE_HASH_BITS 20
static Site** site_hash;

static UInt intern_object(const HChar* path)
{
   for (UInt i = 0; i < n_objects; i++)
      if (VG_(strcmp)(objects[i].path, path) == 0) return i;
   if (n_objects == cap_objects) {
      cap_objects = cap_objects ? cap_objects * 2 : 64;
      objects = VG_(realloc)("ncf.objects", objects, cap_objects * sizeof(Object));
   }
   objects[n_objects].path = VG_(strdup)("ncf.objects", path);
   objects[n_objects].enc_id = 0;
   return n_objects++;
}

/* File and static address (as objdump shows it) of a run-time address. */
static void locate(Addr pc, UInt* object, Addr* offset)
{
   DebugInfo* di = VG_(find_DebugInfo)(VG_(current_DiEpoch)(), pc);
   if (di && VG_(DebugInfo_get_filename)(di)) {
      *object = intern_object(VG_(DebugInfo_get_filename)(di));
      *offset = pc - VG_(DebugInfo_get_text_bias)(di);
      return;
   }
   /* Outside .text (.plt, .init): find the file's debug info by name. */
   NSegment const* seg = VG_(am_find_nsegment)(pc);
   const HChar* name = seg ? VG_(am_get_filename)(seg) : NULL;
   if (name) {
      const DebugInfo* d;
      for (d = VG_(next_DebugInfo)(NULL); d; d = VG_(next_DebugInfo)(d)) {
         const HChar* fn = VG_(DebugInfo_get_filename)(d);
         if (fn && VG_(strcmp)(fn, name) == 0 && VG_(DebugInfo_get_text_size)(d) > 0) {
            *object = intern_object(name);
            *offset = pc - VG_(DebugInfo_get_text_bias)(d);
            return;
         }
      }
      *object = intern_object(name);
      *offset = pc - seg->start + seg->offset;
      return;
   }
   *object = intern_object("[anonymous]");
   *offset = pc;
}

static const HChar* basename_of(const HChar* path)
{
   const HChar* slash = VG_(strrchr)(path, '/');
   return slash ? slash + 1 : path;
}

static Bool site_selected(const Site* s)
{
   Bool hit = False;
   if ((s->kind == KIND_BRANCH && spec.branches) || (s->kind == KIND_LOAD && spec.loads))
      hit = True;
   for (Int i = 0; i < spec.n_pc; i++)
      if (spec.pc[i] == s->pc) { spec.pc_matched[i] = True; hit = True; }
   for (Int i = 0; i < spec.n_at; i++) {
      if (spec.at_offset[i] == s->offset &&
          VG_(strcmp)(spec.at_object[i], basename_of(objects[s->object].path)) == 0) {
         spec.at_matched[i] = True;
         hit = True;
      }
   }
   return hit;
}

static Site* get_site(Addr pc, UInt kind, UInt operand, UInt size)
{
   UWord h = ((pc * 0x9E3779B97F4A7C15ULL) >> (64 - SITE_HASH_BITS)) ^ (kind + 2 * operand);
   h &= (1u << SITE_HASH_BITS) - 1;
   for (Site* s = site_hash[h]; s; s = s->next)
      if (s->pc == pc && s->kind == kind && s->operand == operand) return s;
   Site* s = VG_(calloc)("ncf.site", 1, sizeof(Site));
   s->pc = pc;
   s->kind = kind;
   s->operand = operand;
   s->size = size;
   s->shift = size < 8 ? 64 - 8 * size : 0;
   s->stride = 1;
   locate(pc, &s->object, &s->offset);
   s->snap = any_snapshots && site_selected(s);
   s->next = site_hash[h];
   site_hash[h] = s;
   return s;
}

/* ------------------------------------------------------------------ */
/* Block descriptors                                                   */
/* ------------------------------------------------------------------ */

typedef struct {
   Site* site;
   UInt insn;      /* instruction index in the block (= icount offset) */
   UInt word;      /* first word of the event in the slot */
   Int snap_word;  /* flag word of its snapshot, or -1 */
   Bool may_skip;  /* guarded read: address word is ~0 when it did not happen */
} Event;

typedef struct { Site* site; UWord offset; /* bytes into the slot */ } LoadRef;

typedef struct Block {
   Addr start;
   UInt n_instrs, n_events, n_branches, slot_words;
   Bool simple;      /* no guarded reads, no snapshot sites, at most one branch */
   UInt branch_word; /* slot word of the branch of a simple block, 0 if none */
   UInt fast_done;   /* n_events if simple and defined in the trace (the
                        encoder's fast path), else ~0 (never a slot's `done`) */
   UInt n_loads;
   LoadRef* loads;   /* the loads, in order (the encoder's fast path) */
   ULong fast_execs; /* executions encoded by the fast path (statistics) */
   Event* ev;
   UInt enc_id;      /* 0 = not yet in the trace, else id + 1 */
   UInt succ[2];     /* predicted successor (enc_id) after not taken / taken */
   struct Block* next;
} Block;

#define BLOCK_HASH_BITS 18
static Block** block_hash;

static Bool same_events(const Block* b, UInt n_instrs, UInt n_events, const Event* ev)
{
   if (b->n_instrs != n_instrs || b->n_events != n_events) return False;
   for (UInt i = 0; i < n_events; i++)
      if (b->ev[i].site != ev[i].site || b->ev[i].insn != ev[i].insn ||
          b->ev[i].may_skip != ev[i].may_skip)
         return False;
   return True;
}

/* The descriptor of a block with these events; retranslations share one. */
static Block* get_block(Addr start, UInt n_instrs, UInt n_events, Event* ev)
{
   UWord h = (start * 0x9E3779B97F4A7C15ULL) >> (64 - BLOCK_HASH_BITS);
   for (Block* b = block_hash[h]; b; b = b->next)
      if (b->start == start && same_events(b, n_instrs, n_events, ev)) return b;
   Block* b = VG_(calloc)("ncf.block", 1, sizeof(Block));
   b->start = start;
   b->n_instrs = n_instrs;
   b->n_events = n_events;
   b->ev = VG_(malloc)("ncf.block", (n_events ? n_events : 1) * sizeof(Event));
   UInt w = 3;
   for (UInt i = 0; i < n_events; i++) {
      b->ev[i] = ev[i];
      b->ev[i].word = w;
      w += ev[i].site->kind == KIND_LOAD ? 2 : 1;
      if (ev[i].site->kind == KIND_BRANCH) b->n_branches++;
      if (ev[i].site->snap) {
         b->ev[i].snap_word = w;
         w += 1 + N_REGS;
      } else {
         b->ev[i].snap_word = -1;
      }
   }
   b->slot_words = w;
   b->simple = b->n_branches <= 1;
   b->fast_done = ~0U;
   for (UInt i = 0; i < n_events; i++)
      if (b->ev[i].site->kind == KIND_BRANCH) b->branch_word = b->ev[i].word;
   for (UInt i = 0; i < n_events; i++)
      if (b->ev[i].may_skip || b->ev[i].snap_word >= 0) b->simple = False;
   b->loads = VG_(malloc)("ncf.block", (n_events ? n_events : 1) * sizeof(LoadRef));
   for (UInt i = 0; i < n_events; i++)
      if (b->ev[i].site->kind == KIND_LOAD) {
         b->loads[b->n_loads].site = b->ev[i].site;
         b->loads[b->n_loads++].offset = b->ev[i].word * sizeof(UWord);
      }
   b->next = block_hash[h];
   block_hash[h] = b;
   return b;
}

/* ------------------------------------------------------------------ */
/* Run-time state                                                      */
/* ------------------------------------------------------------------ */

/* Raw buffer: small enough to stay in cache; a slot that starts below the
   soft limit may run past it into the slack. */
#define RB_WORDS (1u << 15)
#define MAX_EVENTS 4096
#define RB_SLACK_WORDS (3 + MAX_EVENTS * (2 + 1 + N_REGS))
static UWord* rb;          /* raw buffer of slots */
static UWord* rb_ptr;      /* next free word; read and written by instrumented code */
static ULong g_icount = 0; /* guest instructions so far; updated by instrumented code */
static ULong window_end = ~0ULL;

/* How the program ended. */
enum { END_EXIT = 0, END_SIGNAL = 1, END_WINDOW = 2, END_LIMIT = 3 };
static Bool saw_exit_group = False, saw_thread_exit = False;
static Long exit_code = 0, thread_exit_code = 0;

/* fork(): the child inherits the trace file; only the parent writes it. */
static Bool in_child = False;
/* --ncf-deterministic: the program started a thread (see fix_tid). */
static Bool threads_started = False;
static UInt n_forks = 0;

/* Ring of block-entry register files for lead=K. */
#define RING_SIZE 8192
typedef struct { ULong icount; ULong regs[N_REGS]; } RingEntry;
static RingEntry* ring;
static ULong ring_count = 0;

/* Encoder state (mirrored by lib/trace/reader.ts). */
static UInt n_enc_objects = 0, n_enc_sites = 0, n_enc_blocks = 0;
static Block* prev_block = NULL;
static UInt prev_taken = 0;
static Long prev_block_icount = 0;
static UInt prev_block_instrs = 0;

/* Statistics for the footer and the benchmark. */
static ULong st_branches, st_taken, st_loads, st_snapshots, st_blocks;
static ULong st_bytes_block, st_bytes_load, st_bytes_snapshot, st_bytes_defs;

/* ------------------------------------------------------------------ */
/* Encoder                                                             */
/* ------------------------------------------------------------------ */

enum { REC_OBJECT = 1, REC_SITE = 2, REC_BLOCK = 3, REC_FOOTER = 4 };

static void define_object(Object* o)
{
   UInt len = VG_(strlen)(o->path);
   ob_reserve(len + 16);
   UInt before = ob_len;
   put_varint(REC_OBJECT << 2);
   put_varint(len);
   put_bytes(o->path, len);
   o->enc_id = ++n_enc_objects;
   st_bytes_defs += ob_len - before;
}

static void define_site(Site* s)
{
   Object* o = &objects[s->object];
   if (!o->enc_id) define_object(o);
   ob_reserve(64);
   UInt before = ob_len;
   put_varint(REC_SITE << 2);
   put_varint(s->kind);
   put_varint(s->pc);
   put_varint(o->enc_id - 1);
   put_varint(s->offset);
   put_varint(s->operand);
   put_varint(s->size);
   put_varint(s->snap);
   s->enc_id = ++n_enc_sites;
   st_bytes_defs += ob_len - before;
}

static void define_block(Block* b)
{
   for (UInt i = 0; i < b->n_events; i++)
      if (!b->ev[i].site->enc_id) define_site(b->ev[i].site);
   ob_reserve(32 + b->n_events * 12);
   UInt before = ob_len;
   put_varint(REC_BLOCK << 2);
   put_varint(b->n_instrs);
   put_varint(b->n_events);
   UInt prev_insn = 0;
   for (UInt i = 0; i < b->n_events; i++) {
      put_varint(b->ev[i].site->enc_id - 1);
      put_varint(b->ev[i].insn - prev_insn);
      prev_insn = b->ev[i].insn;
   }
   b->enc_id = ++n_enc_blocks;
   if (b->simple) b->fast_done = b->n_events;
   st_bytes_defs += ob_len - before;
}

#define NO_SLP __attribute__((optimize("no-tree-slp-vectorize"))) /* see flush_raw */

static inline UChar* put_load(UChar* o, Site* s, ULong addr, ULong value)
{
   ULong prev_addr = s->prev_addr, prev_value = s->prev_value;
   UInt shift = s->shift; /* 0 for 8-byte (and wider) reads */
   ULong addr_delta = addr - (prev_addr + s->prev_stride);
   s->prev_stride = addr - prev_addr;
   s->prev_addr = addr;
   /* `value` is already zero-extended from `size` bytes (the instrumentation
      widens with nUto64, masks guarded loads; h_dirty_read copies <= 8 bytes
      into a zeroed word), so it needs no masking here. */
   Long sd = ((Long)((value - prev_value) << shift)) >> shift;
   s->prev_value = value;
   o = varint_fast(o, zigzag((Long)addr_delta));
   return varint_fast(o, zigzag(sd));
}

static void put_snapshot(Site* s, const UWord* regs)
{
   if (!s->prev_regs) s->prev_regs = VG_(calloc)("ncf.regs", N_REGS, sizeof(ULong));
   UInt mask = 0;
   for (UInt r = 0; r < N_REGS; r++)
      if (regs[r] != s->prev_regs[r]) mask |= 1u << r;
   put_varint(mask);
   for (UInt r = 0; r < N_REGS; r++) {
      if (mask & (1u << r)) {
         put_varint(zigzag((Long)(regs[r] - s->prev_regs[r])));
         s->prev_regs[r] = regs[r];
      }
   }
}

/* The block record's first varint, and the predictor updates. */
static inline void put_block_code(Block* b, UInt taken, Bool ext, Long rel)
{
   UInt predicted = prev_block ? prev_block->succ[prev_taken] : 0;
   if (predicted == b->enc_id)
      put_varint((taken << 2) | (ext << 1) | 1);
   else
      put_varint(((ULong)(b->enc_id - 1) << 4) | (taken << 3) | (ext << 2) | 2);
   if (prev_block) prev_block->succ[prev_taken] = b->enc_id;
   prev_block = b;
   prev_taken = taken;
   prev_block_icount = rel;
   prev_block_instrs = b->n_instrs;
}

/* Encodes one slot; returns its length in words. */
NO_SLP static UInt encode_slot(const UWord* slot)
{
   Block* b = (Block*)slot[0];
   Long rel = (Long)(slot[1] - clo_skip);
   UWord done = slot[2] & 0xffffffffUL;
   if (clo_window && rel >= (Long)clo_window) return b->slot_words;

   /* Fast path: a whole block of plain events inside the window. */
   if (b->simple && done == b->n_events && rel >= 0 && b->enc_id &&
       (!clo_window || rel + b->n_instrs <= clo_window)) {
      ob_reserve(32 + b->n_events * 20);
      UInt before = ob_len;
      UInt taken = b->branch_word ? slot[b->branch_word] & 1 : 0;
      Long pred_icount = prev_block_icount + prev_block_instrs;
      put_block_code(b, taken, rel != pred_icount, rel);
      if (rel != pred_icount) {
         put_varint(1);
         put_varint(zigzag(rel - pred_icount));
      }
      UInt mid = ob_len;
      st_bytes_block += mid - before;
      st_blocks++;
      UChar* o = ob + ob_len;
      UInt loads = 0;
      const Event* e = b->ev;
      const Event* e_end = e + b->n_events;
      for (; e < e_end; e++) {
         if (e->site->kind == KIND_LOAD) {
            o = put_load(o, e->site, slot[e->word], slot[e->word + 1]);
            loads++;
         }
      }
      ob_len = o - ob;
      st_loads += loads;
      st_branches += b->n_branches;
      st_taken += taken;
      st_bytes_load += ob_len - mid;
      return b->slot_words;
   }

   /* Which events happened inside the window. */
   UInt n_exec = 0, n_snaps = 0;
   Bool taken_known = False;
   UInt taken = 0, extra_branch_bits = 0, n_extra_branches = 0;
   Bool exec[b->n_events ? b->n_events : 1];
   for (UInt i = 0; i < b->n_events; i++) {
      const Event* e = &b->ev[i];
      Long ic = rel + e->insn;
      Bool ok = i < done && ic >= 0 && (!clo_window || ic < (Long)clo_window);
      if (ok && e->may_skip && slot[e->word] == ~0UL) ok = False;
      exec[i] = ok;
      if (!ok) continue;
      n_exec++;
      if (e->snap_word >= 0 && slot[e->snap_word] == 1) n_snaps++;
      if (e->site->kind == KIND_BRANCH) {
         UInt t = slot[e->word] & 1;
         if (!taken_known) { taken = t; taken_known = True; }
         else extra_branch_bits |= t << n_extra_branches++;
      }
   }

   if (!b->enc_id) define_block(b);
   ob_reserve(64 + b->n_events * (24 + 4 + 11 * N_REGS));
   UInt before = ob_len;

   UInt ext = 0;
   Long pred_icount = prev_block_icount + prev_block_instrs;
   if (rel != pred_icount) ext |= 1;
   if (n_exec != b->n_events) ext |= 2;
   if (n_snaps) ext |= 4;
   if (n_extra_branches) ext |= 8;

   put_block_code(b, taken, ext != 0, rel);

   if (ext) {
      put_varint(ext);
      if (ext & 1) put_varint(zigzag(rel - pred_icount));
      if (ext & 2) {
         put_varint(n_exec);
         Int last = -1;
         for (UInt i = 0; i < b->n_events; i++)
            if (exec[i]) { put_varint(i - last - 1); last = i; }
      }
      if (ext & 4) {
         put_varint(n_snaps);
         Int last = -1;
         for (UInt i = 0; i < b->n_events; i++)
            if (exec[i] && b->ev[i].snap_word >= 0 && slot[b->ev[i].snap_word] == 1) {
               put_varint(i - last - 1);
               last = i;
            }
      }
      if (ext & 8) {
         put_varint(n_extra_branches);
         put_varint(extra_branch_bits);
      }
   }
   st_bytes_block += ob_len - before;
   st_blocks++;

   for (UInt i = 0; i < b->n_events; i++) {
      if (!exec[i]) continue;
      const Event* e = &b->ev[i];
      Site* s = e->site;
      if (s->kind == KIND_LOAD) {
         UInt at = ob_len;
         ob_len = put_load(ob + ob_len, s, slot[e->word], slot[e->word + 1]) - ob;
         st_bytes_load += ob_len - at;
         st_loads++;
      } else {
         st_branches++;
         st_taken += slot[e->word] & 1;
      }
      if (e->snap_word >= 0 && slot[e->snap_word] == 1) {
         UInt at = ob_len;
         put_snapshot(s, slot + e->snap_word + 1);
         st_bytes_snapshot += ob_len - at;
         st_snapshots++;
      }
   }
   return b->slot_words;
}

/* Encodes the raw buffer. Whole simple blocks inside the window, predicted
   and at their predicted icount (nearly all) take the inlined fast path
   below, with the encoder's state in locals; everything else goes through
   encode_slot, which does the same and more. */
static Block nil_block; /* the previous block of the first one: predicts none */

/* No SLP vectorisation in the encoder: GCC merges the stores of prev_addr and
   prev_stride into one 16-byte store, and the next execution of the site
   reads them back as 8-byte loads, which stalls store forwarding (this alone
   cost about 10% of the tool's time). */
NO_SLP static void flush_raw(void)
{
   const UWord* s = rb;
   const UWord* end = rb_ptr;
   /* Window check in one unsigned compare: rel <= win - n_instrs (n_instrs
      of a block is far below 1024). Tiny windows take the slow path. */
   Bool fast_ok = clo_window == 0 || clo_window >= 1024;
   ULong win = clo_window ? clo_window : ~0ULL >> 1;
   ULong skip = clo_skip;
   while (s < end) {
      Block* pb = prev_block ? prev_block : &nil_block;
      UWord pt = prev_taken;
      ULong pred = prev_block_icount + prev_block_instrs;
      UChar* o = ob + ob_len;
      UChar* o_start = o;
      UChar* o_end = ob + OB_FLUSH;
      ULong n_taken = 0, n_blocks = 0;
      while (fast_ok && s < end) {
         Block* b = (Block*)s[0];
         ULong rel = s[1] - skip;
         UWord taken = s[b->branch_word] & 1; /* word 0, an aligned pointer, when no branch */
         /* o_end leaves OB_SIZE - OB_FLUSH bytes, more than any block's
            record (MAX_EVENTS * 20 + 32) */
         if ((UInt)s[2] != b->fast_done || rel > win - b->n_instrs || rel != pred ||
             pb->succ[pt] != b->enc_id || o >= o_end)
            break;
         const LoadRef* l = b->loads;
         const LoadRef* l_end = l + b->n_loads;
         *o++ = (UChar)((taken << 2) | 1);
         pb = b;
         pt = taken;
         pred = rel + b->n_instrs;
         for (; l < l_end; l++) {
            const UWord* w = (const UWord*)((const UChar*)s + l->offset);
            o = put_load(o, l->site, w[0], w[1]);
         }
         b->fast_execs++;
         n_taken += taken;
         n_blocks++;
         s += s[2] >> 32; /* not b->slot_words: no load chained on b */
      }
      ob_len = o - ob;
      if (n_blocks) {
         prev_block = pb;
         prev_taken = pt;
         prev_block_icount = pred - pb->n_instrs;
         prev_block_instrs = pb->n_instrs;
      }
      st_taken += n_taken;
      st_bytes_block += n_blocks;
      st_bytes_load += (o - o_start) - n_blocks;
      if (s < end) {
         if (ob_len >= OB_FLUSH) ob_write_out();
         else s += encode_slot(s);
      }
   }
   rb_ptr = rb;
}

/* ------------------------------------------------------------------ */
/* Header and footer                                                   */
/* ------------------------------------------------------------------ */

/* The header is built in a buffer of its own (a command line can be long),
   then written in one piece, outside the frames. */
static UChar* hb;
static UInt hb_len = 0, hb_cap = 0;

static void hb_put(const void* p, UInt n)
{
   if (hb_len + n > hb_cap) {
      hb_cap = 2 * (hb_len + n) + 256;
      hb = VG_(realloc)("ncf.header", hb, hb_cap);
   }
   VG_(memcpy)(hb + hb_len, p, n);
   hb_len += n;
}

static void hb_text(const HChar* s) { hb_put(s, VG_(strlen)(s)); }

static void hb_json_string(const HChar* s)
{
   hb_text("\"");
   for (; *s; s++) {
      UChar c = (UChar)*s;
      if (c == '"' || c == '\\') {
         HChar esc[2] = { '\\', (HChar)c };
         hb_put(esc, 2);
      } else if (c < 0x20) {
         HChar buf[8];
         VG_(sprintf)(buf, "\\u%04x", c);
         hb_put(buf, 6);
      } else {
         hb_put(&c, 1);
      }
   }
   hb_text("\"");
}

/* Magic, version, JSON length, the JSON, then the CRC-32 of all of it. */
static void write_header(void)
{
   UChar fixed[13] = "NCFTRACE";
   fixed[8] = FORMAT_VERSION;
   hb_put(fixed, 13);
   HChar num[64];
   hb_text("{\"tool\":\"ncftrace\",\"command\":[");
   hb_json_string(clo_program ? clo_program : VG_(args_the_exename));
   for (Word i = 0; i < VG_(sizeXA)(VG_(args_for_client)); i++) {
      hb_text(",");
      hb_json_string(*(HChar**)VG_(indexXA)(VG_(args_for_client), i));
   }
   VG_(sprintf)(num, "],\"skip\":%llu,\"window\":%llu,\"afterWindow\":", clo_skip, clo_window);
   hb_text(num);
   hb_text(clo_stop_after_window ? "\"stop\"" : "\"run\"");
   hb_text(",\"snapshots\":");
   hb_json_string(clo_snapshots);
   hb_text("}");
   put_le32(hb + 9, hb_len - 13);
   UChar crc[4];
   put_le32(crc, crc32(hb, hb_len));
   hb_put(crc, 4);
   write_raw(hb, hb_len);
   st_bytes_defs += hb_len;
   VG_(free)(hb);
}

/* Fatal signal of the process, read from the core's thread table: no tool
   interface reports it. Offsets are those of Valgrind 3.19 on amd64 (checked
   by the thread ids they must hold); 0 if unknown. */
extern UChar* VG_(threads);
#define TS_SIZE 0x1c10
#define TS_EXITREASON 0x8
#define TS_FATALSIG 0x1b60
#define VGSRC_FATALSIG 3

static Int fatal_signal(void)
{
   if (!VG_(threads)) return 0;
   for (UInt tid = 1; tid < VG_N_THREADS; tid++) {
      UChar* ts = VG_(threads) + (SizeT)tid * TS_SIZE;
      if (*(UInt*)ts != tid) continue;
      Int sig = *(Int*)(ts + TS_FATALSIG);
      if (*(UInt*)(ts + TS_EXITREASON) == VGSRC_FATALSIG && sig > 0 && sig < 65) return sig;
   }
   return 0;
}

static void write_footer(Int how, Long value)
{
   HChar notes[4096];
   UInt n = 0;
   notes[0] = 0;
   for (Int i = 0; i < spec.n_at; i++)
      if (!spec.at_matched[i] && n < sizeof notes - 200)
         n += VG_(snprintf)(notes + n, sizeof notes - n,
                            "%ssnapshot selector at=%s+0x%lx matched no branch or load",
                            n ? "; " : "", spec.at_object[i], spec.at_offset[i]);
   for (Int i = 0; i < spec.n_pc; i++)
      if (!spec.pc_matched[i] && n < sizeof notes - 200)
         n += VG_(snprintf)(notes + n, sizeof notes - n,
                            "%ssnapshot selector pc=0x%lx matched no branch or load",
                            n ? "; " : "", spec.pc[i]);
   if (n_forks)
      n += VG_(snprintf)(notes + n, sizeof notes - n,
                         "%sthe program forked %u child process(es): they are not traced, "
                         "this trace is the parent's alone",
                         n ? "; " : "", n_forks);
   if (threads_started)
      n += VG_(snprintf)(notes + n, sizeof notes - n,
                         "%sthe program started threads: its main thread's id is the real one "
                         "from then on, which differs from run to run",
                         n ? "; " : "");
   if (how == END_LIMIT)
      n += VG_(snprintf)(notes + n, sizeof notes - n,
                         "%sstopped once the trace reached %llu bytes (--max-bytes)",
                         n ? "; " : "", bytes_written + ob_len);
   /* Blocks, branches and loads encoded by flush_raw's fast path. */
   for (UInt h = 0; h < (1u << BLOCK_HASH_BITS); h++)
      for (Block* b = block_hash[h]; b; b = b->next) {
         st_blocks += b->fast_execs;
         st_loads += b->fast_execs * b->n_loads;
         st_branches += b->fast_execs * b->n_branches;
         b->fast_execs = 0;
      }
   ULong instructions = g_icount < window_end ? g_icount : window_end;
   instructions = instructions > clo_skip ? instructions - clo_skip : 0;
   ob_write_out(); /* the last frame of records */
   /* An empty frame ends the records; the footer follows, outside the frames. */
   ob_reserve(256 + n);
   put_le32(ob, 0);
   ob_len = 4;
   UInt footer_start = ob_len;
   put_varint(REC_FOOTER << 2);
   put_varint(instructions);
   put_varint(g_icount);
   put_varint(st_branches);
   put_varint(st_taken);
   put_varint(st_loads);
   put_varint(st_snapshots);
   put_varint(st_blocks);
   put_varint(how);
   put_varint(zigzag(value));
   put_varint(n);
   put_bytes(notes, n);
   /* Byte accounting, for the benchmark: blocks (incl. branch outcomes),
      load payloads, snapshots, definitions. */
   put_varint(st_bytes_block);
   put_varint(st_bytes_load);
   put_varint(st_bytes_snapshot);
   put_varint(st_bytes_defs);
   put_le32(ob + ob_len, crc32(ob + footer_start, ob_len - footer_start));
   ob_len += 4;
   /* The footer's length (code to CRC), so that a reader can find it from the end. */
   put_le32(ob + ob_len, ob_len - footer_start);
   ob_len += 4;
   put_bytes("NCF-END!", 8);
   write_raw(ob, ob_len);
   ob_len = 0;
   VG_(close)(out_fd);
   out_fd = -1;
}

static void finish(Int how, Long value)
{
   flush_raw();
   write_footer(how, value);
}

/* ------------------------------------------------------------------ */
/* Helpers called from instrumented code                               */
/* ------------------------------------------------------------------ */

/* Block entry, when the raw buffer is nearly full or the window is over. */
static VG_REGPARM(1) void h_slow(ULong icount)
{
   if (in_child) { /* a forked child: nothing is recorded */
      rb_ptr = rb;
      return;
   }
   if (icount >= window_end && clo_stop_after_window) {
      finish(END_WINDOW, 0);
      VG_(exit)(0);
   }
   flush_raw();
   if (clo_max_bytes && bytes_written + ob_len >= clo_max_bytes) {
      finish(END_LIMIT, 0);
      VG_(exit)(0);
   }
}

/* Adaptive thinning: keep every execution until K are kept, then every 2nd
   until K more, then every 4th, ... (lib/trace/README.md). */
static inline Bool want_snapshot(Site* s)
{
   ULong n = s->executions++;
   if (spec.every > 1 && n % spec.every != 0) return False;
   ULong c = s->eligible++;
   if (!spec.max_per_site) return True;
   if (c % s->stride != 0) return False;
   if (++s->kept_at_stride == spec.max_per_site) {
      s->kept_at_stride = 0;
      s->stride *= 2;
   }
   return True;
}

static VG_REGPARM(3) void h_snap(Site* s, UWord* flag, VexGuestAMD64State* gs)
{
   if (!want_snapshot(s)) return;
   VG_(memcpy)(flag + 1, &gs->guest_RAX, N_REGS * sizeof(ULong));
   flag[0] = 1;
}

static VG_REGPARM(2) void h_ring_push(VexGuestAMD64State* gs, ULong icount)
{
   RingEntry* e = &ring[ring_count++ % RING_SIZE];
   e->icount = icount;
   VG_(memcpy)(e->regs, &gs->guest_RAX, N_REGS * sizeof(ULong));
}

/* lead=K: the latest block entry at least K instructions before the event. */
static VG_REGPARM(3) void h_snap_lead(Site* s, UWord* flag, ULong event_icount)
{
   if (!want_snapshot(s)) return;
   if (event_icount < spec.lead_insns || ring_count == 0) return;
   ULong target = event_icount - spec.lead_insns;
   ULong lo = ring_count > RING_SIZE ? ring_count - RING_SIZE : 0, hi = ring_count;
   /* Largest index in [lo, hi) whose icount <= target (icounts increase). */
   if (ring[lo % RING_SIZE].icount > target) return;
   while (hi - lo > 1) {
      ULong mid = lo + (hi - lo) / 2;
      if (ring[mid % RING_SIZE].icount <= target) lo = mid; else hi = mid;
   }
   VG_(memcpy)(flag + 1, ring[lo % RING_SIZE].regs, N_REGS * sizeof(ULong));
   flag[0] = 1;
}

/* A read done by a helper (x87, fxrstor, ...): its value is read here. */
static VG_REGPARM(3) void h_dirty_read(UWord* slot_event, Addr addr, UWord size)
{
   ULong v = 0;
   UWord n = size < 8 ? size : 8;
   if (VG_(am_is_valid_for_client)(addr, n, VKI_PROT_READ)) VG_(memcpy)(&v, (void*)addr, n);
   slot_event[0] = addr;
   slot_event[1] = v;
}

/* ------------------------------------------------------------------ */
/* Instrumentation                                                     */
/* ------------------------------------------------------------------ */

static IRExpr* c64(ULong v) { return IRExpr_Const(IRConst_U64(v)); }

static IRExpr* assign(IRSB* sb, IRType ty, IRExpr* e)
{
   IRTemp t = newIRTemp(sb->tyenv, ty);
   addStmtToIRSB(sb, IRStmt_WrTmp(t, e));
   return IRExpr_RdTmp(t);
}

static void store(IRSB* sb, IRExpr* addr, IRExpr* data)
{
   addStmtToIRSB(sb, IRStmt_Store(Iend_LE, addr, data));
}

static IRExpr* word_addr(IRSB* sb, IRExpr* slot, UInt word)
{
   return word == 0 ? slot : assign(sb, Ity_I64, IRExpr_Binop(Iop_Add64, slot, c64(word * 8)));
}

/* The low 64 bits of a value of type `ty`, zero-extended. */
static IRExpr* widen64(IRSB* sb, IRExpr* v, IRType ty)
{
   switch (ty) {
   case Ity_I64: return v;
   case Ity_I32: return assign(sb, Ity_I64, IRExpr_Unop(Iop_32Uto64, v));
   case Ity_I16: return assign(sb, Ity_I64, IRExpr_Unop(Iop_16Uto64, v));
   case Ity_I8: return assign(sb, Ity_I64, IRExpr_Unop(Iop_8Uto64, v));
   case Ity_I1: return assign(sb, Ity_I64, IRExpr_Unop(Iop_1Uto64, v));
   case Ity_I128: return assign(sb, Ity_I64, IRExpr_Unop(Iop_128to64, v));
   case Ity_F64: return assign(sb, Ity_I64, IRExpr_Unop(Iop_ReinterpF64asI64, v));
   case Ity_F32:
      return assign(sb, Ity_I64,
                    IRExpr_Unop(Iop_32Uto64,
                                assign(sb, Ity_I32, IRExpr_Unop(Iop_ReinterpF32asI32, v))));
   case Ity_V128: return assign(sb, Ity_I64, IRExpr_Unop(Iop_V128to64, v));
   case Ity_V256: return assign(sb, Ity_I64, IRExpr_Unop(Iop_V256to64_0, v));
   default: return c64(0);
   }
}

static void add_dirty(IRSB* sb, const HChar* name, void* fn, IRExpr** args, IRExpr* guard,
                      Bool reads_regs)
{
   IRDirty* d = unsafeIRDirty_0_N(0, name, VG_(fnptr_to_fnentry)(fn), args);
   if (guard) d->guard = guard;
   if (reads_regs) {
      d->nFxState = 1;
      VG_(memset)(&d->fxState, 0, sizeof(d->fxState));
      d->fxState[0].fx = Ifx_Read;
      d->fxState[0].offset = OFFSET_amd64_RAX;
      d->fxState[0].size = N_REGS * sizeof(ULong);
   }
   addStmtToIRSB(sb, IRStmt_Dirty(d));
}

/* Is the instruction at `pc` a conditional branch (jcc, loop*, jrcxz)? */
static Bool is_conditional_branch(Addr pc)
{
   const UChar* b = (const UChar*)pc;
   UInt i = 0;
   while (i < 14) {
      UChar c = b[i];
      if (c == 0x66 || c == 0x67 || c == 0xF0 || c == 0xF2 || c == 0xF3 || c == 0x2E ||
          c == 0x36 || c == 0x3E || c == 0x26 || c == 0x64 || c == 0x65)
         i++;
      else
         break;
   }
   if ((b[i] & 0xF0) == 0x40) i++;
   UChar op = b[i];
   if (op >= 0x70 && op <= 0x7F) return True;
   if (op >= 0xE0 && op <= 0xE3) return True;
   return op == 0x0F && b[i + 1] >= 0x80 && b[i + 1] <= 0x8F;
}

static Bool is_cond_branch_exit(const IRStmt* st, Bool insn_is_jcc, Bool branch_seen)
{
   return insn_is_jcc && !branch_seen && st->tag == Ist_Exit &&
          st->Ist.Exit.jk == Ijk_Boring;
}

/* Size in bytes and presence of the memory read of a statement (0 = none). */
static UInt read_size(const IRTypeEnv* env, const IRStmt* st)
{
   switch (st->tag) {
   case Ist_WrTmp:
      if (st->Ist.WrTmp.data->tag == Iex_Load)
         return sizeofIRType(st->Ist.WrTmp.data->Iex.Load.ty);
      return 0;
   case Ist_LoadG:
      switch (st->Ist.LoadG.details->cvt) {
      case ILGop_IdentV128: return 16;
      case ILGop_Ident64: return 8;
      case ILGop_Ident32: return 4;
      case ILGop_16Uto32: case ILGop_16Sto32: return 2;
      case ILGop_8Uto32: case ILGop_8Sto32: return 1;
      default: return 0;
      }
   case Ist_CAS: {
      const IRCAS* c = st->Ist.CAS.details;
      UInt n = sizeofIRType(typeOfIRExpr(env, c->dataLo));
      return c->oldHi != IRTemp_INVALID ? 2 * n : n;
   }
   case Ist_Dirty: {
      const IRDirty* d = st->Ist.Dirty.details;
      if ((d->mFx == Ifx_Read || d->mFx == Ifx_Modify) && d->mAddr && d->mSize > 0)
         return d->mSize;
      return 0;
   }
   default:
      return 0;
   }
}

enum { MODE_SKIP, MODE_RECORD, MODE_AFTER };

static Bool skip_done = False; /* set when the block holding the skip boundary starts */

static Int current_mode(void)
{
   if (g_icount >= window_end) return clo_stop_after_window ? MODE_RECORD : MODE_AFTER;
   if (clo_skip > 0 && !skip_done) return MODE_SKIP;
   return MODE_RECORD;
}

/* Registers written back at every instruction: only needed while recording
   (the policy is read at each translation; skipping runs on the default). */
static void exact_register_updates(void)
{
   VG_(clo_vex_control).iropt_register_updates_default = VexRegUpdAllregsAtEachInsn;
   VG_(clo_px_file_backed) = VexRegUpdAllregsAtEachInsn;
}

static void h_end_skip(void)
{
   skip_done = True;
   exact_register_updates();
}

/* Leaves the block before its first instruction, discarding every
   translation, when `guard` holds: used to switch modes. */
static void add_retranslate_exit(IRSB* sb, IRExpr* guard, Addr start)
{
   addStmtToIRSB(sb, IRStmt_Put(OFFSET_CMSTART, c64(0)));
   addStmtToIRSB(sb, IRStmt_Put(OFFSET_CMLEN, c64(~0ULL)));
   addStmtToIRSB(sb, IRStmt_Exit(guard, Ijk_InvalICache, IRConst_U64(start), OFFSET_amd64_RIP));
}

/* Before a side exit: instructions after it in the block did not run. */
static void add_exit_correction(IRSB* sb, IRExpr* guard, UInt remaining)
{
   IRExpr* ic = assign(sb, Ity_I64, IRExpr_Load(Iend_LE, Ity_I64, c64((Addr)&g_icount)));
   IRExpr* sub = assign(sb, Ity_I64, IRExpr_ITE(guard, c64(remaining), c64(0)));
   store(sb, c64((Addr)&g_icount), assign(sb, Ity_I64, IRExpr_Binop(Iop_Sub64, ic, sub)));
}

static void fix_time_stamp_counter(IRStmt* st); /* --ncf-deterministic, below */

static IRSB* ncf_instrument(VgCallbackClosure* closure, IRSB* in, const VexGuestLayout* layout,
                            const VexGuestExtents* vge, const VexArchInfo* archinfo_host,
                            IRType gWordTy, IRType hWordTy)
{
   static Event events[MAX_EVENTS];
   static Int event_stmt[MAX_EVENTS]; /* statement index; -1 = fallback branch at the end */
   Int mode = current_mode();
   if (mode == MODE_AFTER) return in;

   /* Pass 1: instructions and events. */
   UInt n_instrs = 0, n_events = 0, operand = 0;
   Addr pc = 0, fallthrough = 0, start = 0;
   Bool insn_jcc = False, branch_seen = False;
   for (Int i = 0; i < in->stmts_used; i++) {
      const IRStmt* st = in->stmts[i];
      if (st->tag == Ist_IMark) {
         if (n_instrs == 0) start = st->Ist.IMark.addr;
         pc = st->Ist.IMark.addr;
         fallthrough = pc + st->Ist.IMark.len;
         insn_jcc = mode == MODE_RECORD && is_conditional_branch(pc);
         branch_seen = False;
         operand = 0;
         n_instrs++;
         continue;
      }
      if (mode != MODE_RECORD || n_instrs == 0) continue;
      UInt size = read_size(in->tyenv, st);
      Site* s = NULL;
      if (size) {
         s = get_site(pc, KIND_LOAD, operand++, size);
      } else if (is_cond_branch_exit(st, insn_jcc, branch_seen)) {
         s = get_site(pc, KIND_BRANCH, 0, 0);
         branch_seen = True;
      }
      if (s) {
         tl_assert(n_events < MAX_EVENTS);
         events[n_events].site = s;
         events[n_events].insn = n_instrs - 1;
         events[n_events].may_skip =
            st->tag == Ist_LoadG || (st->tag == Ist_Dirty && st->Ist.Dirty.details->guard &&
                                     !(st->Ist.Dirty.details->guard->tag == Iex_Const &&
                                       st->Ist.Dirty.details->guard->Iex.Const.con->Ico.U1));
         event_stmt[n_events++] = i;
      }
   }
   /* A jcc whose exit VEX folded away (constant condition): the block's
      end says where it went. */
   Bool fallback_branch = mode == MODE_RECORD && insn_jcc && !branch_seen;
   if (fallback_branch) {
      tl_assert(n_events < MAX_EVENTS);
      events[n_events].site = get_site(pc, KIND_BRANCH, 0, 0);
      events[n_events].insn = n_instrs - 1;
      events[n_events].may_skip = False;
      event_stmt[n_events++] = -1;
   }
   if (n_instrs == 0) return in;
   Addr last_fallthrough = fallthrough;

   Block* b = mode == MODE_RECORD ? get_block(start, n_instrs, n_events, events) : NULL;
   Bool lead_insn = any_snapshots && spec.lead_kind == LEAD_INSN;
   Bool lead_block = any_snapshots && spec.lead_kind == LEAD_BLOCK;
   Bool lead_insns = any_snapshots && spec.lead_kind == LEAD_INSNS;

   /* Pass 2: copy with instrumentation. */
   IRSB* out = deepCopyIRSBExceptStmts(in);
   IRExpr* slot = NULL;
   IRExpr* ic = NULL;
   UInt insn = 0, next_event = 0, done_stored = 0;
   insn_jcc = False;
   branch_seen = False;
   for (Int i = 0; i < in->stmts_used; i++) {
      IRStmt* st = in->stmts[i];
      if (st->tag == Ist_IMark) {
         addStmtToIRSB(out, st);
         pc = st->Ist.IMark.addr;
         fallthrough = pc + st->Ist.IMark.len;
         insn_jcc = mode == MODE_RECORD && is_conditional_branch(pc);
         branch_seen = False;
         insn++;
         if (insn == 1) {
            ic = assign(out, Ity_I64, IRExpr_Load(Iend_LE, Ity_I64, c64((Addr)&g_icount)));
            IRExpr* ic_after = assign(out, Ity_I64, IRExpr_Binop(Iop_Add64, ic, c64(n_instrs)));
            if (mode == MODE_SKIP) {
               IRExpr* reached = assign(out, Ity_I1,
                                        IRExpr_Binop(Iop_CmpLT64U, c64(clo_skip), ic_after));
               add_dirty(out, "h_end_skip", h_end_skip, mkIRExprVec_0(), reached, False);
               add_retranslate_exit(out, reached, start);
               store(out, c64((Addr)&g_icount), ic_after);
            } else {
               IRExpr* over = NULL;
               if (clo_window) {
                  over = assign(out, Ity_I1, IRExpr_Binop(Iop_CmpLE64U, c64(window_end), ic));
                  if (!clo_stop_after_window) {
                     add_retranslate_exit(out, over, start);
                     over = NULL;
                  }
               }
               IRExpr* p0 = assign(out, Ity_I64,
                                   IRExpr_Load(Iend_LE, Ity_I64, c64((Addr)&rb_ptr)));
               IRExpr* full = assign(out, Ity_I1,
                                     IRExpr_Binop(Iop_CmpLT64U,
                                                  c64((Addr)(rb + RB_WORDS)),
                                                  p0));
               IRExpr* slow = over ? assign(out, Ity_I1, IRExpr_Binop(Iop_Or1, over, full))
                                   : full;
               add_dirty(out, "h_slow", h_slow, mkIRExprVec_1(ic), slow, False);
               slot = assign(out, Ity_I64, IRExpr_Load(Iend_LE, Ity_I64, c64((Addr)&rb_ptr)));
               store(out, c64((Addr)&g_icount), ic_after);
               store(out, slot, c64((Addr)b));
               store(out, word_addr(out, slot, 1), ic);
               store(out, word_addr(out, slot, 2), c64((ULong)b->slot_words << 32));
               for (UInt e = 0; e < n_events; e++)
                  if (b->ev[e].snap_word >= 0)
                     store(out, word_addr(out, slot, b->ev[e].snap_word), c64(0));
               store(out, c64((Addr)&rb_ptr),
                     assign(out, Ity_I64,
                            IRExpr_Binop(Iop_Add64, slot, c64(b->slot_words * 8))));
               if (lead_insns)
                  add_dirty(out, "h_ring_push", h_ring_push,
                            mkIRExprVec_2(IRExpr_GSPTR(), ic), NULL, True);
               if (lead_block)
                  for (UInt e = 0; e < n_events; e++)
                     if (b->ev[e].snap_word >= 0)
                        add_dirty(out, "h_snap", h_snap,
                                  mkIRExprVec_3(c64((Addr)b->ev[e].site),
                                                word_addr(out, slot, b->ev[e].snap_word),
                                                IRExpr_GSPTR()),
                                  NULL, True);
            }
         }
         /* Snapshots taken at this instruction, before it runs. */
         if (mode == MODE_RECORD && (lead_insn || lead_insns)) {
            for (UInt e = next_event; e < n_events && b->ev[e].insn == insn - 1; e++) {
               if (b->ev[e].snap_word < 0) continue;
               IRExpr* flag = word_addr(out, slot, b->ev[e].snap_word);
               if (lead_insn)
                  add_dirty(out, "h_snap", h_snap,
                            mkIRExprVec_3(c64((Addr)b->ev[e].site), flag, IRExpr_GSPTR()),
                            NULL, True);
               else
                  add_dirty(out, "h_snap_lead", h_snap_lead,
                            mkIRExprVec_3(c64((Addr)b->ev[e].site), flag,
                                          assign(out, Ity_I64,
                                                 IRExpr_Binop(Iop_Add64, ic, c64(insn - 1)))),
                            NULL, False);
            }
         }
         continue;
      }
      fix_time_stamp_counter(st);
      if (insn == 0) { /* preamble before the first instruction */
         addStmtToIRSB(out, st);
         continue;
      }

      Bool is_event = mode == MODE_RECORD && next_event < n_events &&
                      event_stmt[next_event] == i;
      const Event* ev = is_event ? &b->ev[next_event] : NULL;
      IRExpr* ev_word = is_event ? word_addr(out, slot, ev->word) : NULL;

      switch (st->tag) {
      case Ist_Exit:
         if (is_event) {
            Bool inverted = st->Ist.Exit.dst->Ico.U64 == fallthrough;
            IRExpr* g = assign(out, Ity_I64, IRExpr_Unop(Iop_1Uto64, st->Ist.Exit.guard));
            if (inverted) g = assign(out, Ity_I64, IRExpr_Binop(Iop_Xor64, g, c64(1)));
            store(out, ev_word, g);
            branch_seen = True;
         }
         if (insn < n_instrs) add_exit_correction(out, st->Ist.Exit.guard, n_instrs - insn);
         break;
      case Ist_Dirty:
         if (is_event) {
            IRDirty* d = st->Ist.Dirty.details;
            store(out, ev_word, c64(~0ULL));
            add_dirty(out, "h_dirty_read", h_dirty_read,
                      mkIRExprVec_3(ev_word, d->mAddr, c64(d->mSize)), d->guard, False);
         }
         break;
      default:
         break;
      }
      addStmtToIRSB(out, st);
      if (is_event && st->tag != Ist_Exit && st->tag != Ist_Dirty) {
         IRExpr* addr;
         IRExpr* value;
         if (st->tag == Ist_WrTmp) {
            const IRExpr* ld = st->Ist.WrTmp.data;
            addr = ld->Iex.Load.addr;
            value = widen64(out, IRExpr_RdTmp(st->Ist.WrTmp.tmp), ld->Iex.Load.ty);
         } else if (st->tag == Ist_LoadG) {
            IRLoadG* lg = st->Ist.LoadG.details;
            addr = assign(out, Ity_I64, IRExpr_ITE(lg->guard, lg->addr, c64(~0ULL)));
            value = widen64(out, IRExpr_RdTmp(lg->dst), typeOfIRTemp(out->tyenv, lg->dst));
            if (ev->site->size < 8)
               value = assign(out, Ity_I64,
                              IRExpr_Binop(Iop_And64, value,
                                           c64((1ULL << (8 * ev->site->size)) - 1)));
         } else { /* Ist_CAS */
            IRCAS* c = st->Ist.CAS.details;
            addr = c->addr;
            value = widen64(out, IRExpr_RdTmp(c->oldLo), typeOfIRTemp(out->tyenv, c->oldLo));
         }
         store(out, ev_word, addr);
         store(out, word_addr(out, slot, ev->word + 1), value);
      }
      if (is_event) next_event++;
      if (st->tag == Ist_Exit && mode == MODE_RECORD && next_event != done_stored) {
         /* Events done so far, stored where the block may be left. */
         IRStmt* exit_stmt = out->stmts[--out->stmts_used];
         store(out, word_addr(out, slot, 2),
               c64(((ULong)b->slot_words << 32) | next_event));
         done_stored = next_event;
         addStmtToIRSB(out, exit_stmt);
      }
   }
   if (fallback_branch) {
      const Event* ev = &b->ev[next_event];
      IRExpr* taken = assign(out, Ity_I1,
                             IRExpr_Binop(Iop_CmpNE64, out->next, c64(last_fallthrough)));
      store(out, word_addr(out, slot, ev->word),
            assign(out, Ity_I64, IRExpr_Unop(Iop_1Uto64, taken)));
      next_event++;
   }
   if (mode == MODE_RECORD && next_event != done_stored)
      store(out, word_addr(out, slot, 2), c64(((ULong)b->slot_words << 32) | next_event));
   return out;
}

/* ------------------------------------------------------------------ */
/* Start and end                                                       */
/* ------------------------------------------------------------------ */

static void restore_real_tid(void); /* --ncf-deterministic, below */

static void ncf_pre_syscall(ThreadId tid, UInt sysno, UWord* args, UInt nArgs)
{
   if (sysno == __NR_clone && (args[0] & VKI_CLONE_THREAD)) restore_real_tid();
   if (sysno == __NR_exit_group) {
      saw_exit_group = True;
      exit_code = (Long)(args[0] & 0xff);
   } else if (sysno == __NR_exit) {
      saw_thread_exit = True;
      thread_exit_code = (Long)(args[0] & 0xff);
   }
}

/* --ncf-deterministic=yes: what the kernel answers differently from run to
   run is replaced after the system call, so that the same program and inputs
   execute the same instructions. Clocks read a virtual time: one nanosecond
   per guest instruction executed (at least 1 us more than the last reading,
   so that a program waiting for time to pass never waits forever), from
   2020-01-01 for wall clocks, from 0 for CPU time and from a boot 1000 s
   before the start for the others; random bytes (getrandom, reads of /dev/urandom and /dev/random)
   come from a fixed splitmix64 stream; sysinfo's uptime, loads and free
   memory are fixed; so are the auxiliary vector's random bytes, the vDSO's
   address, the time-stamp counter and the main thread's id (below). Under Valgrind these all are real system calls (no vDSO). */
#define VIRTUAL_EPOCH 1577836800ULL /* 2020-01-01T00:00:00Z */
#define VIRTUAL_UPTIME 1000ULL
static ULong clock_last = 0;
static ULong random_state = 0x6e6366ULL;
#define MAX_RANDOM_FDS 1024
static Bool random_fd[MAX_RANDOM_FDS];

static ULong virtual_ns(void)
{
   ULong t = g_icount;
   if (t < clock_last + 1000) t = clock_last + 1000;
   clock_last = t;
   return t;
}

static ULong splitmix64(void)
{
   ULong z = (random_state += 0x9E3779B97F4A7C15ULL);
   z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
   z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
   return z ^ (z >> 31);
}

/* Client memory the tool may write: `n` writable bytes at `a`. */
static Bool client_writable(Addr a, SizeT n)
{
   return a && VG_(am_is_valid_for_client)(a, n, VKI_PROT_WRITE);
}

static void fill_random(Addr a, SizeT n)
{
   if (!client_writable(a, n)) return;
   for (SizeT i = 0; i < n; i += 8) {
      ULong r = splitmix64();
      VG_(memcpy)((UChar*)a + i, &r, n - i < 8 ? n - i : 8);
   }
}

static Bool is_random_device(Addr path)
{
   static const HChar* names[] = { "/dev/urandom", "/dev/random" };
   for (Int k = 0; k < 2; k++) {
      SizeT len = VG_(strlen)(names[k]) + 1;
      if (VG_(am_is_valid_for_client)(path, len, VKI_PROT_READ) &&
          VG_(memcmp)((const void*)path, names[k], len) == 0)
         return True;
   }
   return False;
}

/* A timespec (sub = 1) or timeval (sub = 1000) at `a`: `ns` after `start` s. */
static void put_clock(Addr a, ULong ns, ULong sub, ULong start)
{
   ULong sec = ns / 1000000000ULL + start;
   ULong frac = ns % 1000000000ULL / sub;
   if (!client_writable(a, 16)) return;
   ((ULong*)a)[0] = sec;
   ((ULong*)a)[1] = frac;
}

/* The kernel's 16 random bytes for the program (auxv AT_RANDOM: the stack
   protector's canary, the pointer guard) come from the generator too. The
   auxiliary vector is Valgrind's (not in a tool header), built before the
   tool's post-option init. */
extern UWord* VG_(client_auxv);
#define AUXV_AT_IGNORE 1
#define AUXV_AT_RANDOM 25
#define AUXV_AT_SYSINFO_EHDR 33

/* Valgrind hides the vDSO (its entry becomes AT_IGNORE) but leaves its
   address, which the kernel randomises and the loader reads: ignored entries
   read 0. */
static void fix_auxv(void)
{
   for (UWord* a = VG_(client_auxv); a && a[0] != 0 /* AT_NULL */; a += 2) {
      if (a[0] == AUXV_AT_RANDOM) fill_random(a[1], 16);
      if (a[0] == AUXV_AT_IGNORE || a[0] == AUXV_AT_SYSINFO_EHDR) a[0] = AUXV_AT_IGNORE, a[1] = 0;
   }
}

/* rdtsc and rdtscp read the virtual clock too (one tick per nanosecond);
   rdtscp's processor number reads 0. VEX runs them as these helpers; the
   instrumentation swaps in ours. */
static ULong h_rdtsc(void) { return virtual_ns(); }

static ULong h_rdtscp(VexGuestAMD64State* gs)
{
   gs->guest_RCX = 0;
   return virtual_ns();
}

static void fix_time_stamp_counter(IRStmt* st)
{
   if (!clo_deterministic || st->tag != Ist_Dirty) return;
   IRDirty* d = st->Ist.Dirty.details;
   if (VG_(strcmp)(d->cee->name, "amd64g_dirtyhelper_RDTSC") == 0)
      d->cee = mkIRCallee(0, "ncf_rdtsc", VG_(fnptr_to_fnentry)(h_rdtsc));
   else if (VG_(strcmp)(d->cee->name, "amd64g_dirtyhelper_RDTSCP") == 0)
      d->cee = mkIRCallee(0, "ncf_rdtscp", VG_(fnptr_to_fnentry)(h_rdtscp));
}

static void set_result(ThreadId tid, ULong v)
{
   VG_(set_shadow_regs_area)(tid, 0, OFFSET_amd64_RAX, sizeof v, (const UChar*)&v);
}

/* The main thread's id as glibc keeps it (from set_tid_address, at start),
   which it compares in recursive and error-checking mutexes: a fixed number
   above any real one (pid_max <= 2^22; within the futex word's 30 bits)
   while the program has one thread. raise() asks the kernel (gettid), so
   signals still work. When the program starts a thread, the real id is put
   back (other threads must be able to signal the main one): from then on it
   differs from run to run, and the footer says so. */
#define FIXED_TID 0x3ffffff0
static Addr tid_addr = 0;
static Int real_tid = 0;

static void fix_tid(ThreadId tid, Addr addr, UWord real)
{
   if (in_child || threads_started) return;
   tid_addr = addr;
   real_tid = (Int)real;
   set_result(tid, FIXED_TID);
}

static void restore_real_tid(void)
{
   if (threads_started || !tid_addr) return;
   threads_started = True;
   if (client_writable(tid_addr, sizeof(Int)) && *(Int*)tid_addr == FIXED_TID)
      *(Int*)tid_addr = real_tid;
}

static void ncf_post_syscall(ThreadId tid, UInt sysno, UWord* args, UInt nArgs, SysRes res)
{
   if (!clo_deterministic || sr_isError(res)) return;
   UWord r = sr_Res(res);
   switch (sysno) {
   case __NR_set_tid_address:
      fix_tid(tid, args[0], r);
      break;
   case __NR_getrandom:
      fill_random(args[0], r);
      break;
   case __NR_open:
   case __NR_openat:
      if (r < MAX_RANDOM_FDS && is_random_device(sysno == __NR_open ? args[0] : args[1]))
         random_fd[r] = True;
      break;
   case __NR_read:
      if (args[0] < MAX_RANDOM_FDS && random_fd[args[0]]) fill_random(args[1], r);
      break;
   case __NR_close:
      if (args[0] < MAX_RANDOM_FDS) random_fd[args[0]] = False;
      break;
   case __NR_clock_gettime: {
      UWord clk = args[0];
      Bool wall = clk == VKI_CLOCK_REALTIME || clk == 5 /* REALTIME_COARSE */ || clk == 11 /* TAI */;
      Bool cpu = clk == VKI_CLOCK_PROCESS_CPUTIME_ID || clk == VKI_CLOCK_THREAD_CPUTIME_ID;
      put_clock(args[1], virtual_ns(), 1, wall ? VIRTUAL_EPOCH : cpu ? 0 : VIRTUAL_UPTIME);
      break;
   }
   case __NR_gettimeofday:
      put_clock(args[0], virtual_ns(), 1000, VIRTUAL_EPOCH);
      break;
   case __NR_time: {
      ULong sec = virtual_ns() / 1000000000ULL + VIRTUAL_EPOCH;
      if (client_writable(args[0], 8)) *(ULong*)args[0] = sec;
      set_result(tid, sec);
      break;
   }
   case __NR_times: {
      ULong ns = virtual_ns();
      ULong ticks = ns / 10000000ULL; /* 100 per second */
      if (client_writable(args[0], sizeof(struct vki_tms))) {
         struct vki_tms* t = (struct vki_tms*)args[0];
         t->tms_utime = ticks;
         t->tms_stime = t->tms_cutime = t->tms_cstime = 0;
      }
      set_result(tid, ticks + VIRTUAL_UPTIME * 100);
      break;
   }
   case __NR_getrusage:
      if (client_writable(args[1], 2 * sizeof(struct vki_timeval))) {
         struct vki_timeval* tv = (struct vki_timeval*)args[1];
         ULong ns = virtual_ns();
         tv[0].tv_sec = ns / 1000000000ULL;
         tv[0].tv_usec = ns % 1000000000ULL / 1000;
         tv[1].tv_sec = tv[1].tv_usec = 0;
      }
      break;
   case __NR_sysinfo:
      if (client_writable(args[0], sizeof(struct vki_sysinfo))) {
         struct vki_sysinfo* si = (struct vki_sysinfo*)args[0];
         si->uptime = virtual_ns() / 1000000000ULL + VIRTUAL_UPTIME;
         si->loads[0] = si->loads[1] = si->loads[2] = 0;
         si->freeram = si->totalram / 2;
         si->sharedram = si->bufferram = 0;
         si->freeswap = si->totalswap;
         si->procs = 1;
      }
      break;
   default:
      break;
   }
}

static void ncf_atfork_parent(ThreadId tid) { n_forks++; }

/* The child drops what the parent had buffered and never writes. */
static void ncf_atfork_child(ThreadId tid)
{
   in_child = True;
   if (out_fd >= 0) VG_(close)(out_fd);
   out_fd = -1;
   ob_len = 0;
   rb_ptr = rb;
}

static void ncf_post_clo_init(void)
{
   if (!clo_out) {
      VG_(fmsg_bad_option)("--ncf-out", "the trace file must be given with --ncf-out=FILE\n");
   }
   /* Exact traces: see the comment at the top. */
   if (clo_skip == 0) exact_register_updates();
   VG_(clo_vex_control).guest_chase = False;
   VG_(clo_vex_control).iropt_unroll_thresh = 0;

   if (clo_window) window_end = clo_skip + clo_window;
   if (any_snapshots && spec.lead_kind == LEAD_INSNS)
      ring = VG_(calloc)("ncf.ring", RING_SIZE, sizeof(RingEntry));

   SysRes r = VG_(open)(clo_out, VKI_O_CREAT | VKI_O_WRONLY | VKI_O_TRUNC, 0644);
   if (sr_isError(r)) {
      VG_(fmsg)("ncftrace: cannot open %s for writing\n", clo_out);
      VG_(exit)(1);
   }
   out_fd = sr_Res(r);
   /* slack after the records: varint_fast, the frame's CRC */
   ob_frame = VG_(malloc)("ncf.out", 4 + OB_SIZE + 16);
   ob = ob_frame + 4;
   rb = VG_(malloc)("ncf.raw", (RB_WORDS + RB_SLACK_WORDS) * sizeof(UWord));
   rb_ptr = rb;
   site_hash = VG_(calloc)("ncf.sites", 1u << SITE_HASH_BITS, sizeof(Site*));
   crc32_init();
   VG_(atfork)(NULL, ncf_atfork_parent, ncf_atfork_child);
   if (clo_deterministic) fix_auxv();
   block_hash = VG_(calloc)("ncf.blocks", 1u << BLOCK_HASH_BITS, sizeof(Block*));
   write_header();
}

static void ncf_fini(Int exitcode)
{
   if (out_fd < 0) return;
   Int sig = fatal_signal();
   if (sig) finish(END_SIGNAL, sig);
   else if (saw_exit_group) finish(END_EXIT, exit_code);
   else if (saw_thread_exit) finish(END_EXIT, thread_exit_code);
   else if (g_icount >= window_end) finish(END_WINDOW, 0);
   else finish(END_SIGNAL, 0);
}

static void ncf_pre_clo_init(void)
{
   VG_(details_name)("ncftrace");
   VG_(details_version)("1");
   VG_(details_description)("branch, load and register tracer for ncf");
   VG_(details_copyright_author)("ncf project");
   VG_(details_bug_reports_to)("the ncf project");
   VG_(details_avg_translation_sizeB)(400);
   VG_(basic_tool_funcs)(ncf_post_clo_init, ncf_instrument, ncf_fini);
   VG_(needs_command_line_options)(process_cmd_line_option, print_usage, print_debug_usage);
   VG_(needs_syscall_wrapper)(ncf_pre_syscall, ncf_post_syscall);
}

VG_DETERMINE_INTERFACE_VERSION(ncf_pre_clo_init)
