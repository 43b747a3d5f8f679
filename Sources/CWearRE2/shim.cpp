// The C API of wear_re2.h over RE2 (libre2-dev).
#include "wear_re2.h"

#include <re2/re2.h>

#include <cstdio>
#include <cstring>
#include <new>
#include <string>

struct wear_re2 {
    re2::RE2 re;
    wear_re2(re2::StringPiece pattern, const re2::RE2::Options &options) : re(pattern, options) {}
};

static void write_error(char *error, size_t capacity, const std::string &message) {
    if (error == nullptr || capacity == 0) return;
    size_t n = message.size() < capacity - 1 ? message.size() : capacity - 1;
    std::memcpy(error, message.data(), n);
    error[n] = '\0';
}

extern "C" wear_re2 *wear_re2_compile(const char *pattern, size_t length, char *error, size_t capacity) {
    if (length > WEAR_RE2_MAX_PATTERN_BYTES) {
        write_error(error, capacity,
                    "pattern too long: " + std::to_string(length) + " bytes, at most " +
                        std::to_string(WEAR_RE2_MAX_PATTERN_BYTES));
        return nullptr;
    }
    re2::RE2::Options options;
    options.set_encoding(re2::RE2::Options::EncodingUTF8);
    options.set_log_errors(false);
    options.set_max_mem(WEAR_RE2_MAX_MEM);
    options.set_never_capture(true);
    wear_re2 *compiled = new (std::nothrow) wear_re2(re2::StringPiece(length ? pattern : "", length), options);
    if (compiled == nullptr) {
        write_error(error, capacity, "out of memory compiling the pattern");
        return nullptr;
    }
    if (!compiled->re.ok()) {
        std::string message = compiled->re.error();
        if (compiled->re.error_code() == re2::RE2::ErrorPatternTooLarge) {
            message += " (the pattern needs more than " + std::to_string(WEAR_RE2_MAX_MEM >> 20) +
                       " MiB; simplify it, e.g. smaller {n,m} counts)";
        }
        write_error(error, capacity, message);
        delete compiled;
        return nullptr;
    }
    return compiled;
}

extern "C" bool wear_re2_match(const wear_re2 *re, const void *bytes, size_t length) {
    re2::StringPiece text(length ? static_cast<const char *>(bytes) : "", length);
    // RE2::Match itself, no submatches (RE2::PartialMatch goes through
    // PartialMatchN's argument array first). UNANCHORED is the search the
    // API promises; for a pattern written ^...$ RE2 anchors both ends itself
    // (its program records both anchors), so that case runs as ANCHOR_BOTH.
    return re->re.Match(text, 0, length, re2::RE2::UNANCHORED, nullptr, 0);
}

extern "C" void wear_re2_free(wear_re2 *re) { delete re; }
