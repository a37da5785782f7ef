/* A small-block allocator for SQLite (SQLITE_CONFIG_MALLOC).
 *
 * Why: Debian's SQLite is built with SQLITE_OMIT_LOOKASIDE, so every
 * statement's scratch memory goes to malloc. The MAR's SQN UPDATE copies
 * the row's nine text/blob columns into registers before it rewrites the
 * record: nine malloc/free pairs per MAR, with SQLite's wrappers about
 * 11 % of hssd's instructions (bench/README.md, mar). Freed blocks of up
 * to 1 KiB are kept on per-size free lists and handed out again, which
 * costs a few instructions instead of a trip through malloc (1 KiB: the
 * UPDATE also takes one 536-octet block per run).
 *
 * The lists are thread-local: no lock, and a block freed by another
 * thread simply joins that thread's list. At most MEM_KEEP blocks per
 * size are kept (≤ 4.1 MiB per thread); bigger blocks and the rest go back
 * to free(). Each block carries its usable size in an 8-octet header
 * (SQLite needs 8-octet alignment, which malloc's 16 keeps). */
#include "db_mem.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MEM_HDR 8
#define MEM_STEP 16
#define MEM_SMALL 1024
#define MEM_CLASSES (MEM_SMALL / MEM_STEP)
#define MEM_KEEP 128

#if defined(__SANITIZE_ADDRESS__)
#define MEM_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MEM_SANITIZED 1
#endif
#endif

#ifdef MEM_SANITIZED
void db_mem_install(void)
{
}
#else
struct free_block {
	struct free_block *next;
};

static _Thread_local struct free_block *lists[MEM_CLASSES];
static _Thread_local unsigned counts[MEM_CLASSES];

static int mem_roundup(int n)
{
	if (n <= 0)
		return MEM_STEP;
	if (n <= MEM_SMALL)
		return (n + MEM_STEP - 1) & ~(MEM_STEP - 1);
	return (n + 7) & ~7;
}

static uint64_t block_size(const void *p)
{
	uint64_t sz;

	memcpy(&sz, (const uint8_t *)p - MEM_HDR, sizeof(sz));
	return sz;
}

static void *mem_malloc(int n)
{
	int sz = mem_roundup(n);
	uint8_t *h;

	if (sz <= MEM_SMALL) {
		unsigned c = (unsigned)sz / MEM_STEP - 1;
		struct free_block *b = lists[c];

		if (b) {
			lists[c] = b->next;
			counts[c]--;
			return b;
		}
	}
	h = malloc(MEM_HDR + (size_t)sz);
	if (!h)
		return NULL;
	memcpy(h, &(uint64_t){ (uint64_t)sz }, sizeof(uint64_t));
	return h + MEM_HDR;
}

static void mem_free(void *p)
{
	uint64_t sz;

	if (!p)
		return;
	sz = block_size(p);
	if (sz <= MEM_SMALL) {
		unsigned c = (unsigned)sz / MEM_STEP - 1;

		if (counts[c] < MEM_KEEP) {
			struct free_block *b = p;

			b->next = lists[c];
			lists[c] = b;
			counts[c]++;
			return;
		}
	}
	free((uint8_t *)p - MEM_HDR);
}

static int mem_size(void *p)
{
	return p ? (int)block_size(p) : 0;
}

static void *mem_realloc(void *p, int n)
{
	uint64_t cur = block_size(p);
	int sz = mem_roundup(n);
	void *q;

	if ((uint64_t)sz == cur)
		return p;
	q = mem_malloc(n);
	if (!q)
		return NULL; /* SQLite keeps p */
	memcpy(q, p, (size_t)(cur < (uint64_t)sz ? cur : (uint64_t)sz));
	mem_free(p);
	return q;
}

static int mem_init(void *arg)
{
	(void)arg;
	return SQLITE_OK;
}

static void mem_shutdown(void *arg)
{
	(void)arg;
}

void db_mem_install(void)
{
	static const sqlite3_mem_methods methods = {
		mem_malloc, mem_free, mem_realloc, mem_size, mem_roundup,
		mem_init, mem_shutdown, NULL,
	};

	sqlite3_config(SQLITE_CONFIG_MALLOC, &methods);
}
#endif
