// The C API of wear_simdjson.h over simdjson's DOM parser (libsimdjson-dev).
//
// The DOM parser validates the whole document (structure, UTF-8, numbers,
// unescaped control characters) in one pass and reuses its buffers, so the
// hot path allocates nothing per record.
#include "wear_simdjson.h"

#include <simdjson.h>

#include <cstring>
#include <new>

using namespace simdjson;

static_assert(sizeof(dom::element) <= sizeof(((wear_json_value *)nullptr)->handle),
              "dom::element must fit the opaque handle");
static_assert(std::is_trivially_copyable<dom::element>::value, "dom::element must be trivially copyable");

// A root object's member names in order (a "shape"), remembered once
// checked free of duplicates: a root with exactly these names is too.
struct root_shape {
    static constexpr size_t max_members = 32;
    static constexpr size_t max_tail_bytes = 256;
    struct name {
        uint64_t head;    // first 8 bytes, zero-padded
        uint32_t length;
        uint32_t tail;    // offset in tails of the bytes after the first 8
    };
    uint32_t count = 0; // 0: nothing remembered
    name names[max_members];
    char tails[max_tail_bytes];
};

struct wear_json_parser {
    dom::parser parser;
    static constexpr size_t shape_count = 4;
    root_shape shapes[shape_count];
    size_t next_shape = 0;
    explicit wear_json_parser(size_t capacity) : parser(capacity) {}
};

static inline dom::element element_of(const wear_json_value *value) {
    dom::element element;
    std::memcpy(static_cast<void *>(&element), value->handle, sizeof(element));
    return element;
}

static void fill(dom::element element, wear_json_value *out) {
    std::memset(out, 0, sizeof(*out));
    switch (element.type()) {
    case dom::element_type::NULL_VALUE:
        out->type = WEAR_JSON_NULL;
        break;
    case dom::element_type::BOOL:
        out->type = WEAR_JSON_BOOL;
        out->number.b = element.get_bool().value_unsafe();
        break;
    case dom::element_type::INT64:
        out->type = WEAR_JSON_INT64;
        out->number.i64 = element.get_int64().value_unsafe();
        break;
    case dom::element_type::UINT64:
        out->type = WEAR_JSON_UINT64;
        out->number.u64 = element.get_uint64().value_unsafe();
        break;
    case dom::element_type::DOUBLE:
        out->type = WEAR_JSON_DOUBLE;
        out->number.f64 = element.get_double().value_unsafe();
        break;
    case dom::element_type::STRING: {
        out->type = WEAR_JSON_STRING;
        std::string_view s = element.get_string().value_unsafe();
        out->str = s.data();
        out->str_len = s.size();
        break;
    }
    case dom::element_type::ARRAY:
        out->type = WEAR_JSON_ARRAY;
        break;
    case dom::element_type::OBJECT:
        out->type = WEAR_JSON_OBJECT;
        break;
    }
    std::memcpy(out->handle, static_cast<const void *>(&element), sizeof(element));
}

static int map_error(error_code code) {
    switch (code) {
    case SUCCESS: return WEAR_JSON_OK;
    case UTF8_ERROR: return WEAR_JSON_ERR_UTF8;
    case DEPTH_ERROR: return WEAR_JSON_ERR_DEPTH;
    case NUMBER_ERROR:
    case NUMBER_OUT_OF_RANGE: return WEAR_JSON_ERR_NUMBER;
    case CAPACITY: return WEAR_JSON_ERR_CAPACITY;
    case MEMALLOC: return WEAR_JSON_ERR_MEMORY;
    case EMPTY: return WEAR_JSON_ERR_EMPTY;
    case UNESCAPED_CHARS: return WEAR_JSON_ERR_CONTROL;
    case TAPE_ERROR:
    case STRING_ERROR:
    case T_ATOM_ERROR:
    case F_ATOM_ERROR:
    case N_ATOM_ERROR:
    case UNCLOSED_STRING:
    case INCORRECT_TYPE: return WEAR_JSON_ERR_SYNTAX;
    default: return WEAR_JSON_ERR_OTHER;
    }
}

extern "C" {

// simdjson refuses every document (CAPACITY) when a parser's capacity is
// below 32 bytes, whatever the document's length (measured with libsimdjson
// 3.x: a 7-byte document fails at capacities 7-31 and parses at 32), so the
// capacity is at least 64; callers bound line length themselves.
static constexpr size_t min_capacity = 64;

wear_json_parser *wear_json_parser_new(size_t max_capacity) {
    if (max_capacity < min_capacity) max_capacity = min_capacity;
    auto *parser = new (std::nothrow) wear_json_parser(max_capacity);
    if (parser == nullptr) return nullptr;
    // Allocate up front for typical records; grows up to max_capacity on demand.
    if (parser->parser.allocate(max_capacity < 65536 ? max_capacity : 65536) != SUCCESS) {
        delete parser;
        return nullptr;
    }
    return parser;
}

void wear_json_parser_free(wear_json_parser *parser) { delete parser; }

int wear_json_parse(wear_json_parser *parser, const char *buf, size_t len, wear_json_value *root) {
    dom::element element;
    // realloc_if_needed = false: the caller guarantees WEAR_JSON_PADDING readable bytes.
    auto error = parser->parser.parse(reinterpret_cast<const uint8_t *>(buf), len, false).get(element);
    if (error) return map_error(error);
    fill(element, root);
    return WEAR_JSON_OK;
}

const char *wear_json_error_message(int code) {
    switch (code) {
    case WEAR_JSON_OK: return "no error";
    case WEAR_JSON_ERR_SYNTAX: return "not valid JSON";
    case WEAR_JSON_ERR_UTF8: return "invalid UTF-8";
    case WEAR_JSON_ERR_DEPTH: return "nested too deeply";
    case WEAR_JSON_ERR_NUMBER: return "number malformed or out of range";
    case WEAR_JSON_ERR_CAPACITY: return "document larger than the parser's capacity";
    case WEAR_JSON_ERR_MEMORY: return "out of memory";
    case WEAR_JSON_ERR_EMPTY: return "no JSON value";
    case WEAR_JSON_ERR_CONTROL: return "unescaped control character in a string";
    default: return "not valid JSON";
    }
}

bool wear_json_object_get(const wear_json_value *object, const char *key, size_t key_len, wear_json_value *out) {
    if (object->type != WEAR_JSON_OBJECT) return false;
    dom::object obj = element_of(object).get_object().value_unsafe();
    std::string_view wanted(key, key_len);
    for (dom::key_value_pair field : obj) {
        if (field.key == wanted) {
            fill(field.value, out);
            return true;
        }
    }
    return false;
}

size_t wear_json_count(const wear_json_value *value) {
    if (value->type == WEAR_JSON_OBJECT) return element_of(value).get_object().value_unsafe().size();
    if (value->type == WEAR_JSON_ARRAY) return element_of(value).get_array().value_unsafe().size();
    return 0;
}

bool wear_json_array_at(const wear_json_value *array, size_t index, wear_json_value *out) {
    if (array->type != WEAR_JSON_ARRAY) return false;
    dom::element element;
    if (element_of(array).get_array().value_unsafe().at(index).get(element)) return false;
    fill(element, out);
    return true;
}

// The bytes of a name's 8-byte head that belong to it, by length (8 and
// over: all): one load instead of a branch per member.
static constexpr uint64_t head_mask[9] = {
    0, 0xff, 0xffff, 0xffffff, 0xffffffff, 0xffffffffff, 0xffffffffffff, 0xffffffffffffff, ~uint64_t{0},
};

static inline uint64_t masked_head(uint64_t head, size_t length) { return head & head_mask[length < 8 ? length : 8]; }

// A member name reduced to what almost always tells two names apart: its length
// and first 8 bytes. Names of 8 bytes or less (all telemetry fields) compare in
// full without memcmp.
struct KeySignature {
    const char *data;
    size_t length;
    uint64_t head;
};

static inline KeySignature signature_of(std::string_view key) {
    // One unaligned 8-byte load, masked to the name's length: names live in
    // simdjson's string buffer, which has SIMDJSON_PADDING bytes after its end,
    // so the 8 bytes are always readable (a variable-length memcpy here was a
    // library call per member: ~900 instructions per record, callgrind).
    KeySignature signature{key.data(), key.size(), 0};
    std::memcpy(&signature.head, key.data(), 8);
    signature.head = masked_head(signature.head, key.size());
    return signature;
}

static inline bool same_key(const KeySignature &a, const KeySignature &b) {
    return a.length == b.length && a.head == b.head &&
           (a.length <= 8 || std::memcmp(a.data + 8, b.data + 8, a.length - 8) == 0);
}

static bool nested_has_duplicate_keys(dom::element element);

// Objects inside a record (rare in telemetry): pairwise comparison, small frames,
// so recursion to simdjson's depth limit (1024) stays well inside any stack.
static bool object_has_duplicate_names(dom::object obj) {
    for (auto member = obj.begin(); member != obj.end(); ++member) {
        for (auto other = obj.begin(); other != member; ++other) {
            if (other.key() == member.key()) return true;
        }
        if (nested_has_duplicate_keys(member.value())) return true;
    }
    return false;
}

static bool nested_has_duplicate_keys(dom::element element) {
    switch (element.type()) {
    case dom::element_type::OBJECT:
        return object_has_duplicate_names(element.get_object().value_unsafe());
    case dom::element_type::ARRAY:
        for (dom::element item : element.get_array().value_unsafe()) {
            if (nested_has_duplicate_keys(item)) return true;
        }
        return false;
    default:
        return false;
    }
}

bool wear_json_object_has_duplicate_keys(const wear_json_value *object, bool nested) {
    if (object->type != WEAR_JSON_OBJECT) return false;
    dom::object obj = element_of(object).get_object().value_unsafe();
    // Profiled on telemetry records (docs/benchmarks.md): a 128-bit filter over a
    // hash of (length, head) sends ~no key to the pairwise comparison; the table
    // is left uninitialised (it is only read below `count`).
    constexpr size_t kInline = 64;
    KeySignature seen[kInline];
    size_t count = 0;
    uint64_t low = 0, high = 0; // the 128-bit filter, kept in registers
    const auto end = obj.end();
    for (auto member = obj.begin(); member != end; ++member) {
        std::string_view name = member.key();
        KeySignature key = signature_of(name);
        if (nested) {
            dom::element value = member.value();
            if ((value.is_object() || value.is_array()) && nested_has_duplicate_keys(value)) return true;
        }
        if (count >= kInline) {
            // Wide objects: compare with every earlier name (rare; bounded by the line limit).
            for (auto other = obj.begin(); other != member; ++other) {
                if (other.key() == name) return true;
            }
            continue;
        }
        uint64_t hash = (key.head ^ (key.length * 0x9E3779B97F4A7C15ull)) * 0xBF58476D1CE4E5B9ull;
        unsigned bit = (unsigned)(hash >> 57); // 0..127
        uint64_t mask = uint64_t{1} << (bit & 63);
        bool maybe_seen = bit < 64 ? (low & mask) != 0 : (high & mask) != 0;
        if (maybe_seen) {
            for (size_t i = 0; i < count; i++) {
                if (same_key(seen[i], key)) return true;
            }
        }
        if (bit < 64) low |= mask; else high |= mask;
        seen[count++] = key;
    }
    return false;
}

void wear_json_object_foreach(const wear_json_value *object, wear_json_member_fn fn, void *context) {
    if (object->type != WEAR_JSON_OBJECT) return;
    dom::object obj = element_of(object).get_object().value_unsafe();
    wear_json_value value;
    for (dom::key_value_pair field : obj) {
        fill(field.value, &value);
        if (!fn(context, field.key.data(), field.key.size(), &value)) return;
    }
}

void wear_json_array_foreach(const wear_json_value *array, wear_json_member_fn fn, void *context) {
    if (array->type != WEAR_JSON_ARRAY) return;
    dom::array arr = element_of(array).get_array().value_unsafe();
    wear_json_value value;
    for (dom::element element : arr) {
        fill(element, &value);
        if (!fn(context, nullptr, 0, &value)) return;
    }
}

// A value's place on simdjson's tape: dom::element is exactly a tape_ref
// (the document and an index into its tape), copied into the handle.
static_assert(sizeof(dom::element) == sizeof(internal::tape_ref), "dom::element must be its tape_ref");

static inline internal::tape_ref tape_of(const wear_json_value *value) {
    internal::tape_ref tape;
    std::memcpy(static_cast<void *>(&tape), value->handle, sizeof(tape));
    return tape;
}

// The length and bytes of the string whose tape word is `word` (simdjson's
// string buffer: a 4-byte length, the unescaped bytes, a NUL).
static inline const uint8_t *tape_string(const dom::document *doc, uint64_t word, uint32_t *length) {
    const uint8_t *at = doc->string_buf.get() + (word & internal::JSON_VALUE_MASK);
    std::memcpy(length, at, sizeof(*length));
    return at + sizeof(uint32_t);
}

// Fills `out` (all but `reserved`) and `*number` from the value at tape
// index `index` of `doc`, as fill() does from its element, without the
// element's accessors; returns the tape index after the value.
static inline size_t fill_from_tape(const dom::document *doc, size_t index, wear_json_value *out, double *number) {
    const uint64_t *tape = doc->tape.get();
    uint64_t word = tape[index];
    out->str = nullptr;
    out->str_len = 0;
    out->number.u64 = 0;
    internal::tape_ref handle(doc, index);
    std::memcpy(out->handle, static_cast<const void *>(&handle), sizeof(handle));
    switch (word >> 56) {
    case 'l':
        out->type = WEAR_JSON_INT64;
        std::memcpy(&out->number.i64, &tape[index + 1], 8);
        *number = double(out->number.i64);
        return index + 2;
    case 'u':
        out->type = WEAR_JSON_UINT64;
        out->number.u64 = tape[index + 1];
        *number = double(out->number.u64);
        return index + 2;
    case 'd':
        out->type = WEAR_JSON_DOUBLE;
        std::memcpy(&out->number.f64, &tape[index + 1], 8);
        *number = out->number.f64;
        return index + 2;
    case '"': {
        uint32_t length;
        out->type = WEAR_JSON_STRING;
        out->str = reinterpret_cast<const char *>(tape_string(doc, word, &length));
        out->str_len = length;
        *number = __builtin_nan("");
        return index + 1;
    }
    case 't':
    case 'f':
        out->type = WEAR_JSON_BOOL;
        out->number.b = (word >> 56) == 't';
        *number = __builtin_nan("");
        return index + 1;
    case '[':
        out->type = WEAR_JSON_ARRAY;
        *number = __builtin_nan("");
        return uint32_t(word);
    case '{':
        out->type = WEAR_JSON_OBJECT;
        *number = __builtin_nan("");
        return uint32_t(word);
    default: // 'n'
        out->type = WEAR_JSON_NULL;
        *number = __builtin_nan("");
        return index + 1;
    }
}

// The tape index after the value at `index` (tape_ref::after_element).
static inline size_t tape_after(const uint64_t *tape, size_t index) {
    uint64_t word = tape[index];
    switch (word >> 56) {
    case '[':
    case '{': return uint32_t(word);
    case 'l':
    case 'u':
    case 'd': return index + 2;
    default: return index + 1;
    }
}

// The name of the member whose key's tape word is `word`: its bytes and
// length, and its head (first 8 bytes, zero-padded) as the return value.
static inline uint64_t tape_key_head(const dom::document *doc, uint64_t word, uint32_t *length, const uint8_t **name) {
    *name = tape_string(doc, word, length);
    uint64_t head;
    std::memcpy(&head, *name, 8); // the string buffer is padded
    return masked_head(head, *length);
}

// One pass over the members, read from simdjson's tape (a key's tape word
// gives its string; the value follows it), each name probed in the
// program's table (a hash of its length and first 8 bytes, linear probing in
// a table at most a quarter full): a member the program does not read costs
// one probe of an empty entry. A slot is filled in this pass when its
// `reserved` is `generation` (the caller's counter, new per call), so the
// slots are not cleared first: a duplicate name keeps the first member, as
// wear_json_object_get does, and only the names still missing at the end are
// set to null.
void wear_json_object_fill(const wear_json_value *object, const wear_json_member_table *table, wear_json_value *out,
                           double *numbers, uint32_t generation) {
    size_t remaining = table->count;
    if (object->type == WEAR_JSON_OBJECT && remaining != 0) {
        internal::tape_ref root = tape_of(object);
        const dom::document *doc = root.doc;
        const uint64_t *tape = doc->tape.get();
        const size_t end = uint32_t(tape[root.json_index]) - 1; // the object's '}'
        for (size_t at = root.json_index + 1; at < end;) {
            uint32_t length;
            const uint8_t *name;
            uint64_t head = tape_key_head(doc, tape[at], &length, &name);
            size_t index = wear_json_name_hash(head, length) & table->mask;
            const wear_json_member_name *found = nullptr;
            while (true) {
                const wear_json_member_name &entry = table->entries[index];
                if (entry.length == UINT32_MAX) break;
                if (entry.head == head && entry.length == length &&
                    (length <= 8 || std::memcmp(entry.name + 8, name + 8, length - 8) == 0)) {
                    found = &entry;
                    break;
                }
                index = (index + 1) & table->mask;
            }
            if (found != nullptr && out[found->slot].reserved != generation) {
                wear_json_value *slot = &out[found->slot];
                at = fill_from_tape(doc, at + 1, slot, &numbers[found->slot]);
                slot->reserved = generation;
                if (--remaining == 0) return;
            } else {
                at = tape_after(tape, at + 1);
            }
        }
    }
    for (size_t i = 0; i < table->count; i++) {
        wear_json_value *slot = &out[table->slots[i]];
        if (slot->reserved == generation) continue;
        slot->type = WEAR_JSON_NULL;
        slot->number.u64 = 1; // absent, not a JSON null (header)
        slot->reserved = generation;
        numbers[table->slots[i]] = __builtin_nan("");
    }
}

// True when the root's member names are exactly `shape`'s, in order.
static bool has_shape(const dom::document *doc, size_t root, const root_shape &shape) {
    const uint64_t *tape = doc->tape.get();
    const size_t end = uint32_t(tape[root]) - 1;
    size_t at = root + 1;
    for (uint32_t i = 0; i < shape.count; i++) {
        if (at >= end) return false;
        uint32_t length;
        const uint8_t *name;
        uint64_t head = tape_key_head(doc, tape[at], &length, &name);
        const root_shape::name &expected = shape.names[i];
        if (head != expected.head || length != expected.length) return false;
        if (length > 8 && std::memcmp(name + 8, shape.tails + expected.tail, length - 8) != 0) return false;
        at = tape_after(tape, at + 1);
    }
    return at == end;
}

// Remembers the root's names as a shape (when it has at most max_members
// names with at most max_tail_bytes past their first 8 bytes), replacing the
// shapes round robin.
static void remember_shape(wear_json_parser *parser, const dom::document *doc, size_t root, uint32_t count) {
    if (count > root_shape::max_members) return;
    root_shape shape; // built aside: a root that does not fit leaves the shapes as they are
    const uint64_t *tape = doc->tape.get();
    const size_t end = uint32_t(tape[root]) - 1;
    size_t tail = 0;
    uint32_t members = 0;
    for (size_t at = root + 1; at < end; at = tape_after(tape, at + 1)) {
        if (members == root_shape::max_members) return;
        uint32_t length;
        const uint8_t *name;
        uint64_t head = tape_key_head(doc, tape[at], &length, &name);
        if (length > 8) {
            if (length - 8 > root_shape::max_tail_bytes - tail) return;
            std::memcpy(shape.tails + tail, name + 8, length - 8);
        }
        shape.names[members++] = {head, length, uint32_t(tail)};
        if (length > 8) tail += length - 8;
    }
    if (members < 2) return;
    shape.count = members;
    parser->shapes[parser->next_shape] = shape;
    parser->next_shape = (parser->next_shape + 1) % wear_json_parser::shape_count;
}

bool wear_json_root_has_duplicate_keys(wear_json_parser *parser, const wear_json_value *object, bool nested) {
    if (object->type != WEAR_JSON_OBJECT) return false;
    if (nested) return wear_json_object_has_duplicate_keys(object, true);
    internal::tape_ref root = tape_of(object);
    const dom::document *doc = root.doc;
    // simdjson's count of the object's members (saturated at 2^24 - 1): only
    // to choose the shapes worth comparing; has_shape compares every name.
    const uint32_t count = uint32_t(doc->tape[root.json_index] >> 32) & internal::JSON_COUNT_MASK;
    if (count < 2) return false;
    for (const root_shape &shape : parser->shapes) {
        if (shape.count == count && has_shape(doc, root.json_index, shape)) return false;
    }
    if (wear_json_object_has_duplicate_keys(object, false)) return true;
    remember_shape(parser, doc, root.json_index, count);
    return false;
}

bool wear_json_array_sum_of_squares(const wear_json_value *array, double *sum) {
    *sum = 0;
    if (array->type != WEAR_JSON_ARRAY) return false;
    dom::array arr = element_of(array).get_array().value_unsafe();
    double total = 0;
    size_t count = 0;
    for (dom::element element : arr) {
        double x;
        switch (element.type()) {
        case dom::element_type::INT64: x = double(element.get_int64().value_unsafe()); break;
        case dom::element_type::UINT64: x = double(element.get_uint64().value_unsafe()); break;
        case dom::element_type::DOUBLE: x = element.get_double().value_unsafe(); break;
        default: return false;
        }
        total += x * x;
        count++;
    }
    if (count == 0) return false;
    *sum = total;
    return true;
}

} // extern "C"
