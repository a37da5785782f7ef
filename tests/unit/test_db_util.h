/* Helpers shared by the store, Cx and hss-ctl unit tests: temporary
 * database files that are removed (with their -wal/-shm) afterwards. */
#ifndef TESTS_TEST_DB_UTIL_H
#define TESTS_TEST_DB_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Fills path (>= 64 bytes) with a fresh, not yet existing file name. */
static inline void tmpdb_path(char *path, size_t sz)
{
	snprintf(path, sz, "/tmp/hss-test-XXXXXX");
	int fd = mkstemp(path);
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
}

static inline void tmpdb_remove(const char *path)
{
	char p[512];

	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

#endif
