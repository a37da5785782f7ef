/* SQLite's allocator for the HSS store (hss/db_mem.c). */
#ifndef HSS_DB_MEM_H
#define HSS_DB_MEM_H

/* Installs the small-block allocator if SQLite is not initialised yet
 * (sqlite3_config only works then; otherwise SQLite keeps its default and
 * this does nothing). Not installed in sanitizer builds, so ASan keeps
 * seeing every SQLite block. */
void db_mem_install(void);

#endif
