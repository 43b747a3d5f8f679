#ifndef WEAR_SIMDJSON_H
#define WEAR_SIMDJSON_H
// A small C API over simdjson's DOM parser, so that Swift never sees C++.
// Only Sources/WearCore/Record/Simdjson imports this module.
//
// Lifetimes: every wear_json_value points into its parser's tape and string
// buffer, and is valid until the next wear_json_parse on the same parser.
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Bytes that must be readable (their content does not matter) after the end
/// of every buffer given to wear_json_parse: simdjson reads in 64-byte blocks.
#define WEAR_JSON_PADDING 64

typedef enum wear_json_type {
    WEAR_JSON_NULL = 0,
    WEAR_JSON_BOOL = 1,
    WEAR_JSON_INT64 = 2,
    WEAR_JSON_UINT64 = 3,
    WEAR_JSON_DOUBLE = 4,
    WEAR_JSON_STRING = 5,
    WEAR_JSON_ARRAY = 6,
    WEAR_JSON_OBJECT = 7,
} wear_json_type;

/// Error codes returned by wear_json_parse (simdjson's own, grouped).
enum {
    WEAR_JSON_OK = 0,
    WEAR_JSON_ERR_SYNTAX = 1,   // not valid JSON
    WEAR_JSON_ERR_UTF8 = 2,     // invalid UTF-8
    WEAR_JSON_ERR_DEPTH = 3,    // nested too deeply
    WEAR_JSON_ERR_NUMBER = 4,   // number malformed or out of range
    WEAR_JSON_ERR_CAPACITY = 5, // document larger than the parser's capacity
    WEAR_JSON_ERR_MEMORY = 6,   // allocation failed
    WEAR_JSON_ERR_EMPTY = 7,    // no JSON value at all
    WEAR_JSON_ERR_CONTROL = 8,  // unescaped control character in a string
    WEAR_JSON_ERR_OTHER = 9,
};

/// A JSON value: scalars are decoded; arrays and objects carry an opaque handle.
typedef struct wear_json_value {
    uint32_t type;          // wear_json_type
    uint32_t reserved;
    union {
        bool b;
        int64_t i64;
        uint64_t u64;
        double f64;
    } number;
    const char *str;        // WEAR_JSON_STRING: unescaped UTF-8, NUL-terminated
    size_t str_len;         // ... and its length in bytes (may contain NUL)
    uint64_t handle[2];     // arrays and objects: simdjson's element, copied
} wear_json_value;

typedef struct wear_json_parser wear_json_parser;

/// A parser for documents of up to max_capacity bytes; NULL if out of memory.
wear_json_parser *wear_json_parser_new(size_t max_capacity);
void wear_json_parser_free(wear_json_parser *parser);

/// Validates buf[0..<len] completely (syntax, UTF-8, numbers) and returns its
/// root. buf must have WEAR_JSON_PADDING readable bytes after len.
int wear_json_parse(wear_json_parser *parser, const char *buf, size_t len, wear_json_value *root);

/// A short, static, human-readable text for an error code.
const char *wear_json_error_message(int code);

/// The first member named key of an object.
bool wear_json_object_get(const wear_json_value *object, const char *key, size_t key_len, wear_json_value *out);
/// Members of an object or elements of an array; 0 for scalars.
size_t wear_json_count(const wear_json_value *value);
/// Element index of an array.
bool wear_json_array_at(const wear_json_value *array, size_t index, wear_json_value *out);
/// True when an object has two members with the same (unescaped) name; with
/// `nested`, also when any object inside it (at any depth) has.
bool wear_json_object_has_duplicate_keys(const wear_json_value *object, bool nested);

/// wear_json_object_has_duplicate_keys for a root object parsed by `parser`,
/// faster in the common case: the parser remembers the names, in order, of
/// the last 4 distinct roots it found free of duplicates ("shapes"), and a
/// root whose names are exactly one of them (same names, same order, no
/// more) is free of duplicates without the check. Exact: any other root,
/// and every root with `nested`, is checked in full.
bool wear_json_root_has_duplicate_keys(wear_json_parser *parser, const wear_json_value *object, bool nested);

/// Calls fn for each member of an object in document order; fn returns false to stop.
typedef bool (*wear_json_member_fn)(void *context, const char *key, size_t key_len, const wear_json_value *value);
void wear_json_object_foreach(const wear_json_value *object, wear_json_member_fn fn, void *context);
/// Calls fn for each element of an array in order (key is NULL); fn returns false to stop.
void wear_json_array_foreach(const wear_json_value *array, wear_json_member_fn fn, void *context);

/// One name of a member table (for wear_json_object_fill): the name's length,
/// its first 8 bytes (little-endian, zero-padded), the whole name, and the
/// index of the output value it fills.
typedef struct wear_json_member_name {
    uint64_t head;
    uint32_t length;
    uint32_t slot;       // index into out; entries with length == UINT32_MAX are empty
    const char *name;
} wear_json_member_name;

/// An open-addressing table (linear probing, size mask + 1, a power of two)
/// of the member names a program reads from one object, plus the list of
/// the slots it fills. Built once (Swift side), probed per member.
typedef struct wear_json_member_table {
    const wear_json_member_name *entries;
    size_t mask;
    const uint32_t *slots;
    size_t count;
} wear_json_member_table;

/// The table hash of a name (shared by the builder and the probe).
static inline size_t wear_json_name_hash(uint64_t head, size_t length) {
    return (size_t)(((head ^ ((uint64_t)length * 0x9E3779B97F4A7C15ull)) * 0xBF58476D1CE4E5B9ull) >> 32);
}

/// In one pass over an object's members, fills out[slot] with the first
/// member of each name in the table, and numbers[slot] with its value when
/// it is a number (else NaN); names absent (or a non-object) leave
/// WEAR_JSON_NULL with number.u64 = 1 (a JSON null has 0) and NaN, so a
/// caller can tell an absent member from a null one without a lookup.
/// Stops early once every name is found.
/// `generation` marks the slots this call has filled (in `reserved`): it must
/// differ from every value the table's slots' `reserved` holds before the
/// call (a counter incremented per call, with the slots' `reserved` zeroed
/// when it wraps), so that the slots need no clearing before the call.
void wear_json_object_fill(const wear_json_value *object, const wear_json_member_table *table, wear_json_value *out,
                           double *numbers, uint32_t generation);

/// The sum of the squares of an array's elements; false (and 0) when it is
/// not an array, is empty, or has an element that is not a number.
bool wear_json_array_sum_of_squares(const wear_json_value *array, double *sum);

#ifdef __cplusplus
}
#endif
#endif
