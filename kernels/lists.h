/* lists.h — how cubie's lists are read, shared by the kernels and the host.
 *
 * Every concept that both sides must agree on (methods and their families,
 * controllers, summary metrics, status bits, counters, per-run scratch
 * buffers, persisted fields) lives in exactly one list, a `.def` file in
 * kernels/ that defines one list macro:
 *
 *   #define CUBIE_COUNTERS(X) \
 *     X(ACCEPTED, 0, "accepted_steps", "accepted steps") \
 *     X(REJECTED, 1, "rejected_steps", "rejected steps")
 *
 * A reader passes its own row macro: `enum { CUBIE_COUNTERS(AS_ENUM) };`,
 * `static const row table[] = { CUBIE_COUNTERS(AS_ROW) };` or, because the
 * list is an ordinary macro, inside a #define that #if can evaluate
 * (`#define CUBIE_N_COUNTERS (0 CUBIE_COUNTERS(CUBIE_LIST_PLUS_ONE))`). The
 * rows the kernels need in #if and that depend on which method and
 * controller a kernel is built for are also emitted at build time into
 * lists_generated.h (cmake/generate_kernel_lists.c).
 *
 * This header only holds the helpers for reading lists; it defines no list
 * and never includes one.
 */
#ifndef CUBIE_LISTS_H
#define CUBIE_LISTS_H

/* Row macros for counting rows and ignoring rows. */
#define CUBIE_LIST_PLUS_ONE(...) +1
#define CUBIE_LIST_NOTHING(...)

/* Token pasting after expansion of both operands. */
#define CUBIE_PASTE(a, b) CUBIE_PASTE_(a, b)
#define CUBIE_PASTE_(a, b) a##b

#endif
