/* Tiny TSV reader for the vector files in tests/vectors: '#' lines are
 * comments, the first other line names the columns. Header-only so each
 * test program stays one file. */
#ifndef TEST_AKA_TSV_H
#define TEST_AKA_TSV_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TSV_COLS 40
#define TSV_ROWS 64

struct tsv {
	char *names[TSV_COLS];
	size_t ncols;
	char *rows[TSV_ROWS][TSV_COLS];
	size_t nrows;
	char *text;
};

static size_t tsv_split(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		f[n++] = p;
		p = strchr(p, '\t');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

/* Returns 0, or -1 when the file cannot be read. */
static int tsv_load(struct tsv *t, const char *path)
{
	FILE *fp = fopen(path, "r");
	long sz;
	char *line, *save = NULL;

	memset(t, 0, sizeof(*t));
	if (!fp)
		return -1;
	fseek(fp, 0, SEEK_END);
	sz = ftell(fp);
	rewind(fp);
	t->text = calloc(1, (size_t)sz + 1);
	if (!t->text || fread(t->text, 1, (size_t)sz, fp) != (size_t)sz) {
		fclose(fp);
		return -1;
	}
	fclose(fp);
	for (line = strtok_r(t->text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || !line[0])
			continue;
		if (!t->ncols) {
			t->ncols = tsv_split(line, t->names, TSV_COLS);
		} else if (t->nrows < TSV_ROWS) {
			size_t n = tsv_split(line, t->rows[t->nrows], TSV_COLS);
			for (; n < TSV_COLS; n++)
				t->rows[t->nrows][n] = "";
			t->nrows++;
		}
	}
	return 0;
}

#ifdef VECTORS_DIR
/* tests/vectors/NAME, or the test fails (cmocka's fail_msg). */
#define tsv_load_vectors(t, name)                                               \
	do {                                                                    \
		char tsv_path_[512];                                            \
		snprintf(tsv_path_, sizeof(tsv_path_), "%s/%s", VECTORS_DIR, name); \
		if (tsv_load(t, tsv_path_))                                     \
			fail_msg("cannot read %s", tsv_path_);                  \
	} while (0)
#endif

/* The field of column `name` in row r ("" when absent). */
static const char *tsv_get(const struct tsv *t, size_t r, const char *name)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (!strcmp(t->names[c], name))
			return t->rows[r][c];
	return "";
}

static void tsv_free(struct tsv *t)
{
	free(t->text);
	t->text = NULL;
}

#endif
