/* Helpers shared by the store, Cx and hss-ctl unit tests: temporary stores
 * that are removed afterwards — SQLite files (with their -wal/-shm), or,
 * when HSS_TEST_PG holds a libpq URI of a running PostgreSQL (ctest
 * e2e/store-pg sets it), a fresh database per store on that server, so the
 * same tests check the PostgreSQL backend. */
#ifndef TESTS_TEST_DB_UTIL_H
#define TESTS_TEST_DB_UTIL_H

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The server of HSS_TEST_PG, or NULL: the tests run on SQLite. */
static inline const char *tmpdb_pg(void)
{
	const char *u = getenv("HSS_TEST_PG");

	return u && *u ? u : NULL;
}

/* Runs one SQL text on the server's maintenance database (pg) or on the
 * store `path`; 0 on success. */
static inline int tmpdb_pg_exec(const char *uri, const char *sql)
{
	PGconn *c = PQconnectdb(uri);
	PGresult *r = NULL;

	if (PQstatus(c) == CONNECTION_OK) {
		PQclear(PQexec(c, "SET client_min_messages = warning"));
		r = PQexec(c, sql);
	}
	bool ok = r && (PQresultStatus(r) == PGRES_COMMAND_OK ||
			PQresultStatus(r) == PGRES_TUPLES_OK);

	if (!ok)
		fprintf(stderr, "tmpdb: %s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return ok ? 0 : -1;
}

/* An SQLite file name not yet existing, whatever HSS_TEST_PG says. */
static inline void tmpdb_sqlite_path(char *path, size_t sz)
{
	snprintf(path, sz, "/tmp/hss-test-XXXXXX");
	int fd = mkstemp(path);
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
}

static inline void tmpdb_sqlite_remove(const char *path)
{
	char p[512];

	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

/* SQL on an SQLite file from a connection of its own: SQLite's code. */
static inline int tmpdb_sqlite_exec(const char *path, const char *sql)
{
	sqlite3 *c;
	int rc;

	if (sqlite3_open(path, &c) != SQLITE_OK)
		return SQLITE_CANTOPEN;
	sqlite3_busy_timeout(c, 2000);
	rc = sqlite3_exec(c, sql, NULL, NULL, NULL);
	sqlite3_close(c);
	return rc;
}

/* Fills path (>= 256 bytes) with a fresh store: a file name not yet
 * existing, or the URI of a new empty PostgreSQL database. */
static inline void tmpdb_path(char *path, size_t sz)
{
	static unsigned n;
	const char *pg = tmpdb_pg();

	if (pg) {
		char sql[128], name[64];
		const char *slash = strrchr(pg, '/');

		snprintf(name, sizeof(name), "hss_t%d_%u", (int)getpid(), n++);
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", name);
		tmpdb_pg_exec(pg, sql);
		snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
		if (tmpdb_pg_exec(pg, sql))
			abort();
		snprintf(path, sz, "%.*s/%s", (int)(slash - pg), pg, name);
		return;
	}
	tmpdb_sqlite_path(path, sz);
}

static inline void tmpdb_remove(const char *path)
{
	char p[512];

	if (tmpdb_pg()) {
		snprintf(p, sizeof(p), "DROP DATABASE IF EXISTS %s WITH (FORCE)",
			 strrchr(path, '/') + 1);
		tmpdb_pg_exec(tmpdb_pg(), p);
		return;
	}
	tmpdb_sqlite_remove(path);
}

/* SQL on the store from another connection (as another process would):
 * 0 on success. */
static inline int tmpdb_exec(const char *path, const char *sql)
{
	if (tmpdb_pg())
		return tmpdb_pg_exec(path, sql);
	return tmpdb_sqlite_exec(path, sql) == SQLITE_OK ? 0 : -1;
}

#endif
