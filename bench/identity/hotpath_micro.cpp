// What the identity stage's per-record work costs in plain C++, and what
// cheaper variants of it would save. Used for the "Profile" section of
// docs/benchmarks.md; not part of the product.
//
//   c++ -O3 -std=c++17 -o hotpath_micro hotpath_micro.cpp -lsimdjson
//   hotpath_micro records.ndjson [mode...]
//
// The file is read into memory and split into lines first, so only the
// per-record work is timed (best of 5 passes, interleaved). Modes:
//   dom            simdjson DOM parse (what wear_json_parse does)
//   dom+dup        ... plus the duplicate-key check as in Sources/CSimdjson/shim.cpp
//   dom+dup-nozero ... the same check without zero-initialising its 64-slot table
//   dom+dup-fast   ... a check keyed on (length, first 8 bytes) with a
//                  multiplicative hash into a 128-bit filter: no memcmp for
//                  keys of at most 8 bytes
//   dom+iterate    ... walking the members and reading each key, no check (a floor)
//   ondemand       simdjson On Demand, visiting every value (numbers parsed,
//                  strings unescaped, trailing content refused) with the fast
//                  duplicate-key check in the same pass
// A self-test first checks that every mode rejects the same malformed lines.
#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace simdjson;

// --- duplicate-key checks --------------------------------------------------

// Verbatim from Sources/CSimdjson/shim.cpp (its 64-key inline path).
static bool dup_current(dom::object obj) {
    constexpr size_t kInline = 64;
    std::string_view seen[kInline];
    size_t count = 0;
    uint64_t signature = 0;
    for (dom::key_value_pair field : obj) {
        std::string_view key = field.key;
        unsigned bit = key.empty() ? 0 : (unsigned)(key.size() * 31u + (unsigned char)key.front() * 7u + (unsigned char)key.back()) & 63u;
        uint64_t mask = uint64_t{1} << bit;
        if (count >= kInline) return false; // not reached by the benchmark's records
        if (signature & mask) {
            for (size_t i = 0; i < count; i++) {
                if (seen[i] == key) return true;
            }
        }
        signature |= mask;
        seen[count++] = key;
    }
    return false;
}

// The same, with the table left uninitialised (only slots below count are read).
static bool dup_nozero(dom::object obj) {
    constexpr size_t kInline = 64;
    alignas(std::string_view) unsigned char storage[kInline * sizeof(std::string_view)];
    auto *seen = reinterpret_cast<std::string_view *>(storage);
    size_t count = 0;
    uint64_t signature = 0;
    for (dom::key_value_pair field : obj) {
        std::string_view key = field.key;
        unsigned bit = key.empty() ? 0 : (unsigned)(key.size() * 31u + (unsigned char)key.front() * 7u + (unsigned char)key.back()) & 63u;
        uint64_t mask = uint64_t{1} << bit;
        if (count >= kInline) return false;
        if (signature & mask) {
            for (size_t i = 0; i < count; i++) {
                if (seen[i] == key) return true;
            }
        }
        signature |= mask;
        new (&seen[count++]) std::string_view(key);
    }
    return false;
}

// Keys as (first 8 bytes, length): equal words mean equal keys when the
// length is at most 8, so telemetry keys never reach memcmp.
// Plain arrays, left uninitialised: only the first `count` slots are read.
struct key_set {
    static constexpr size_t kInline = 64;
    uint64_t filter[2] = {0, 0};
    size_t count = 0;
    uint64_t prefix[kInline];
    const char *data[kInline];
    size_t size[kInline];

    // Returns true when key was already present.
    bool insert(std::string_view k) {
        // One unaligned load: keys live in simdjson's string buffer, which
        // has SIMDJSON_PADDING bytes after its end, so 8 bytes are readable.
        uint64_t word;
        std::memcpy(&word, k.data(), 8);
        if (k.size() < 8) word &= k.empty() ? 0 : ~uint64_t{0} >> (64 - 8 * k.size());
        uint64_t h = (word ^ (k.size() * 0x9E3779B97F4A7C15ULL)) * 0xD6E8FEB86659FD93ULL;
        unsigned bit = (unsigned)(h >> 57); // 0..127
        uint64_t mask = uint64_t{1} << (bit & 63);
        if (filter[bit >> 6] & mask) {
            for (size_t i = 0; i < count; i++) {
                if (prefix[i] == word && size[i] == k.size() &&
                    (k.size() <= 8 || std::memcmp(data[i] + 8, k.data() + 8, k.size() - 8) == 0)) {
                    return true;
                }
            }
        }
        filter[bit >> 6] |= mask;
        if (count < kInline) { // wider objects: a real implementation falls back to pairwise compares
            prefix[count] = word;
            data[count] = k.data();
            size[count] = k.size();
            count++;
        }
        return false;
    }
};

// A lower bound for any check on the DOM: walking the members, reading each key.
static bool iterate_only(dom::object obj) {
    size_t total = 0;
    for (dom::key_value_pair field : obj) total += field.key.size();
    return total == 0; // never true for telemetry; keeps the walk from being optimised away
}

static bool dup_fast(dom::object obj) {
    key_set set;
    for (dom::key_value_pair field : obj) {
        if (set.insert(field.key)) return true;
    }
    return false;
}

// --- On Demand full visit ----------------------------------------------------

static error_code visit(ondemand::value value, int depth);

static error_code visit_object(ondemand::object object, int depth, bool *duplicate) {
    key_set set;
    for (auto field : object) {
        std::string_view key;
        if (auto e = field.unescaped_key().get(key)) return e;
        if (set.insert(key)) *duplicate = true;
        ondemand::value value;
        if (auto e = field.value().get(value)) return e;
        if (auto e = visit(value, depth + 1)) return e;
    }
    return SUCCESS;
}

static error_code visit(ondemand::value value, int depth) {
    if (depth > 1024) return DEPTH_ERROR;
    ondemand::json_type type;
    if (auto e = value.type().get(type)) return e;
    switch (type) {
    case ondemand::json_type::object: {
        ondemand::object object;
        if (auto e = value.get_object().get(object)) return e;
        bool ignored = false; // nested objects: same check as the root in a real implementation
        return visit_object(object, depth, &ignored);
    }
    case ondemand::json_type::array: {
        ondemand::array array;
        if (auto e = value.get_array().get(array)) return e;
        for (auto element : array) {
            ondemand::value inner;
            if (auto e = element.get(inner)) return e;
            if (auto e = visit(inner, depth + 1)) return e;
        }
        return SUCCESS;
    }
    case ondemand::json_type::number: {
        ondemand::number number;
        return value.get_number().get(number);
    }
    case ondemand::json_type::string: {
        std::string_view s;
        return value.get_string().get(s);
    }
    case ondemand::json_type::boolean: {
        bool b;
        return value.get_bool().get(b);
    }
    case ondemand::json_type::null: {
        bool is_null = false;
        if (auto e = value.is_null().get(is_null)) return e;
        return is_null ? SUCCESS : N_ATOM_ERROR;
    }
    }
    return TAPE_ERROR;
}

// 0 valid object, 1 invalid JSON, 2 not an object, 3 duplicate key.
static int ondemand_check(ondemand::parser &parser, const char *line, size_t len, size_t capacity) {
    ondemand::document doc;
    if (parser.iterate(line, len, capacity).get(doc)) return 1;
    ondemand::json_type type;
    if (doc.type().get(type)) return 1;
    if (type != ondemand::json_type::object) return 2;
    ondemand::object object;
    if (doc.get_object().get(object)) return 1;
    bool duplicate = false;
    if (visit_object(object, 1, &duplicate)) return 1;
    const char *where;
    if (doc.current_location().get(where) != OUT_OF_BOUNDS) return 1; // trailing content
    return duplicate ? 3 : 0;
}

static int dom_check(dom::parser &parser, const char *line, size_t len, bool (*dup)(dom::object)) {
    dom::element root;
    if (parser.parse(reinterpret_cast<const uint8_t *>(line), len, false).get(root)) return 1;
    dom::object obj;
    if (root.get_object().get(obj)) return 2;
    return dup && dup(obj) ? 3 : 0;
}

// --- driver ------------------------------------------------------------------

struct mode {
    const char *name;
    bool (*dup)(dom::object);
    bool ondemand;
};

static const mode modes[] = {
    {"dom", nullptr, false},
    {"dom+dup", dup_current, false},
    {"dom+dup-nozero", dup_nozero, false},
    {"dom+dup-fast", dup_fast, false},
    {"dom+iterate", iterate_only, false},
    {"ondemand", nullptr, true},
};

static int check(const mode &m, dom::parser &dp, ondemand::parser &op, const char *line, size_t len, size_t cap) {
    return m.ondemand ? ondemand_check(op, line, len, cap) : dom_check(dp, line, len, m.dup);
}

static bool self_test(dom::parser &dp, ondemand::parser &op) {
    struct { const char *text; int expected; } cases[] = {
        {R"({"a":1,"b":[1,2.5,-3e2],"c":{"d":"x\u00e9"},"e":true,"f":null})", 0},
        {R"({"a":1,"a":2})", 3}, {R"({"a":1,"\u0061":2})", 3}, {R"({"longer_key_1":1,"longer_key_1":2})", 3},
        {R"({"longer_key_1":1,"longer_key_2":2})", 0},
        {R"([1,2])", 2}, {R"("x")", 2}, {R"(3)", 2},
        {R"({"a":1,})", 1}, {R"({"a":01})", 1}, {R"({"a":1}x)", 1}, {R"({"a":1} {"b":2})", 1},
        {R"({"a":1e999})", 1}, {R"({"a":tru})", 1}, {R"({"a":nul})", 1}, {R"({"a":"\q"})", 1},
        {"{\"a\":\"\x01\"}", 1}, {"{\"a\":\"\xff\"}", 1}, {R"({"a":[1,2})", 1}, {R"({"a")", 1},
        {R"({"a":123456789012345678901234567890})", 1}, {R"({"a":-})", 1}, {R"({"a":1.})", 1},
        {R"({"a":[1,2,]})", 1}, {R"({"a":{"b":1,}})", 1}, {R"({"a":"\ud800"})", 1},
    };
    bool ok = true;
    for (const auto &c : cases) {
        std::string padded(c.text);
        size_t len = padded.size();
        padded.append(SIMDJSON_PADDING, ' ');
        for (const auto &m : modes) {
            if (m.dup == iterate_only) continue;
            int expected = m.dup || m.ondemand ? c.expected : (c.expected == 3 ? 0 : c.expected);
            int got = check(m, dp, op, padded.data(), len, padded.size());
            if (got != expected) {
                std::printf("self-test: %-16s %-48s expected %d, got %d\n", m.name, c.text, expected, got);
                ok = false;
            }
        }
    }
    return ok;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: hotpath_micro records.ndjson [mode...]\n");
        return 64;
    }
    std::FILE *f = std::fopen(argv[1], "rb");
    if (!f) { std::perror(argv[1]); return 66; }
    std::vector<char> data;
    char chunk[1 << 16];
    size_t n;
    while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) data.insert(data.end(), chunk, chunk + n);
    std::fclose(f);
    size_t size = data.size();
    data.resize(size + SIMDJSON_PADDING, '\0');
    std::vector<std::pair<size_t, size_t>> lines;
    for (size_t start = 0; start < size;) {
        const char *nl = static_cast<const char *>(std::memchr(data.data() + start, '\n', size - start));
        size_t end = nl ? size_t(nl - data.data()) : size;
        if (end > start) lines.emplace_back(start, end - start);
        start = end + 1;
    }
    dom::parser dp(1 << 20);
    ondemand::parser op(1 << 20);
    std::printf("simdjson %s, implementation %s, %zu records\n", SIMDJSON_STRINGIFY(SIMDJSON_VERSION),
                get_active_implementation()->name().c_str(), lines.size());
    bool ok = self_test(dp, op);
    std::printf("self-test: %s\n", ok ? "all modes agree" : "MISMATCH (see above)");
    // Passes go round the modes, so a burst of load from elsewhere hits one
    // pass of each mode rather than every pass of one; the best pass counts.
    constexpr size_t kModes = sizeof modes / sizeof *modes;
    double best[kModes];
    long bad[kModes] = {};
    bool wanted[kModes];
    for (size_t k = 0; k < kModes; k++) {
        best[k] = 1e30;
        wanted[k] = argc == 2;
        for (int i = 2; i < argc; i++) wanted[k] |= std::strcmp(argv[i], modes[k].name) == 0;
    }
    for (int pass = 0; pass < 5; pass++) {
        for (size_t k = 0; k < kModes; k++) {
            if (!wanted[k]) continue;
            bad[k] = 0;
            auto t0 = std::chrono::steady_clock::now();
            for (const auto &[offset, length] : lines) {
                // The line is followed by the rest of the file: readable padding, as in the runner.
                bad[k] += check(modes[k], dp, op, data.data() + offset, length, data.size() - offset) != 0;
            }
            double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            if (s < best[k]) best[k] = s;
        }
    }
    for (size_t k = 0; k < kModes; k++) {
        if (!wanted[k]) continue;
        std::printf("%-16s %7.1f ns/record %12.0f records/s  (rejected %ld)\n", modes[k].name,
                    best[k] * 1e9 / double(lines.size()), double(lines.size()) / best[k], bad[k]);
    }
    return ok ? 0 : 1;
}
