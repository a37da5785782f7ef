/* hss/schema.sql as a C string (hss/schema_sql.c, generated). */
#ifndef HSS_SCHEMA_SQL_H
#define HSS_SCHEMA_SQL_H

extern const char db_schema_sql[];

#endif
