#ifndef WEAR_CJANSSON_SHIM_H
#define WEAR_CJANSSON_SHIM_H
// The customer's JSON library. Only Sources/WearCore/Record/Jansson imports this module.
#include <jansson.h>

// Macro-only parts of the jansson API, as functions Swift can call.
static inline int wear_json_typeof(const json_t *json) { return (int)json_typeof(json); }
static inline json_t *wear_json_incref(json_t *json) { return json_incref(json); }
static inline void wear_json_decref(json_t *json) { json_decref(json); }
static inline size_t wear_json_indent_flag(int spaces) { return JSON_INDENT(spaces); }
static inline size_t wear_json_real_precision_flag(int digits) { return JSON_REAL_PRECISION(digits); }
#endif
