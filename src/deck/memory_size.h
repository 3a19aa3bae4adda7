/* memory_size.h — byte counts written by people: "512MiB", "2GiB", "1.5GB".
 *
 * Used for run.memory_limit. Decimal prefixes (k/K, M, G, T) are powers of
 * 1000, binary ones (Ki, Mi, Gi, Ti) powers of 1024; the trailing B is
 * optional and spaces may separate number and unit. Pure parsing: no
 * allocation, no error is raised (the caller knows where the text came from
 * and reports it with a position).
 */
#ifndef CUBIE_MEMORY_SIZE_H
#define CUBIE_MEMORY_SIZE_H

/* Parse `text` into *bytes (rounded down to whole bytes). Returns 0 on
 * success, otherwise -1 with *why set to a short reason ("unknown unit
 * 'XB'", "less than one byte", ...). */
int cubie_memory_size_parse(const char *text, long long *bytes, const char **why);

#endif
