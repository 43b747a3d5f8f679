#ifndef WEAR_RE2_H
#define WEAR_RE2_H
// A small C API over RE2, so that Swift never sees C++.
// Only Sources/WearCore/Regex imports this module.
//
// RE2 matches in time linear in the input whatever the pattern (no
// backtracking), so a rule author's pattern cannot become a denial of service.
// A compiled pattern is immutable: wear_re2_match may be called from any
// number of threads at once on the same wear_re2.
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The longest pattern wear_re2_compile accepts, in bytes.
#define WEAR_RE2_MAX_PATTERN_BYTES 4096
/// The memory one compiled pattern may use (its programs and DFA caches);
/// a pattern that needs more does not compile.
#define WEAR_RE2_MAX_MEM (8 << 20)
/// Room for any message wear_re2_compile writes, NUL included (longer ones are cut).
#define WEAR_RE2_ERROR_CAPACITY 512

typedef struct wear_re2 wear_re2;

/// Compiles `pattern` (`length` bytes of UTF-8, RE2 syntax; NUL bytes allowed)
/// with UTF-8 encoding, no capture groups, no logging and WEAR_RE2_MAX_MEM.
/// Returns NULL on failure after writing a NUL-terminated message (RE2's own,
/// e.g. "missing ): (ab") into `error` (`capacity` bytes, may be 0).
wear_re2 *wear_re2_compile(const char *pattern, size_t length, char *error, size_t capacity);

/// True when the pattern matches somewhere in the `length` bytes at `bytes`
/// (unanchored search; `bytes` may be NULL when `length` is 0). Any bytes,
/// valid UTF-8 or not, are accepted. Thread-safe.
bool wear_re2_match(const wear_re2 *re, const void *bytes, size_t length);

/// Frees a compiled pattern (NULL is allowed).
void wear_re2_free(wear_re2 *re);

#ifdef __cplusplus
}
#endif

#endif
