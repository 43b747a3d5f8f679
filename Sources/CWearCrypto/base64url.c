// Strict base64url decoding (RFC 4648 §5, no padding, canonical trailing
// bits) for long parts: 32 characters per step with AVX2 where the CPU has
// it (classification by ranges, then the multiply-add packing of Muła and
// Lemire), the rest one group of four at a time.
#include "wear_crypto.h"

#include <stdbool.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

static const uint32_t invalid = 0x01000000u;

static uint32_t value(uint8_t c) {
    if (c >= 'A' && c <= 'Z') return (uint32_t)(c - 'A');
    if (c >= 'a' && c <= 'z') return (uint32_t)(c - 'a' + 26);
    if (c >= '0' && c <= '9') return (uint32_t)(c - '0' + 52);
    if (c == '-') return 62;
    if (c == '_') return 63;
    return invalid;
}

static long decode_scalar(const uint8_t *in, size_t len, uint8_t *out) {
    size_t i = 0, o = 0;
    uint32_t bad = 0;
    for (; i + 4 <= len; i += 4, o += 3) {
        uint32_t a = value(in[i]), b = value(in[i + 1]), c = value(in[i + 2]), d = value(in[i + 3]);
        bad |= a | b | c | d;
        uint32_t w = a << 18 | b << 12 | c << 6 | d;
        out[o] = (uint8_t)(w >> 16);
        out[o + 1] = (uint8_t)(w >> 8);
        out[o + 2] = (uint8_t)w;
    }
    switch (len - i) {
    case 0:
        break;
    case 2: {
        uint32_t a = value(in[i]), b = value(in[i + 1]);
        bad |= a | b | ((b & 0x0F) ? invalid : 0);
        out[o++] = (uint8_t)(a << 2 | b >> 4);
        break;
    }
    case 3: {
        uint32_t a = value(in[i]), b = value(in[i + 1]), c = value(in[i + 2]);
        bad |= a | b | c | ((c & 0x03) ? invalid : 0);
        uint32_t w = a << 10 | b << 4 | c >> 2;
        out[o++] = (uint8_t)(w >> 8);
        out[o++] = (uint8_t)w;
        break;
    }
    default:
        return -1;
    }
    return (bad & invalid) ? -1 : (long)o;
}

#if defined(__x86_64__)
// Decodes 32 characters at a time while 32 output bytes fit; returns the
// characters consumed, or -1 on a character outside the alphabet.
__attribute__((target("avx2"))) static long decode_avx2(const uint8_t *in, size_t len, uint8_t *out, size_t capacity,
                                                        size_t *written) {
    size_t i = 0, o = 0;
    const __m256i pack_pairs = _mm256_set1_epi32(0x01400140);
    const __m256i pack_quads = _mm256_set1_epi32(0x00011000);
    const __m256i order = _mm256_setr_epi8(2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1,
                                           2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, -1, -1, -1, -1);
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 4, 5, 6, 3, 7);
    while (len - i >= 32 && capacity - o >= 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(in + i));
        __m256i upper = _mm256_and_si256(_mm256_cmpgt_epi8(v, _mm256_set1_epi8('A' - 1)),
                                         _mm256_cmpgt_epi8(_mm256_set1_epi8('Z' + 1), v));
        __m256i lower = _mm256_and_si256(_mm256_cmpgt_epi8(v, _mm256_set1_epi8('a' - 1)),
                                         _mm256_cmpgt_epi8(_mm256_set1_epi8('z' + 1), v));
        __m256i digit = _mm256_and_si256(_mm256_cmpgt_epi8(v, _mm256_set1_epi8('0' - 1)),
                                         _mm256_cmpgt_epi8(_mm256_set1_epi8('9' + 1), v));
        __m256i minus = _mm256_cmpeq_epi8(v, _mm256_set1_epi8('-'));
        __m256i under = _mm256_cmpeq_epi8(v, _mm256_set1_epi8('_'));
        __m256i valid = _mm256_or_si256(_mm256_or_si256(upper, lower), _mm256_or_si256(_mm256_or_si256(digit, minus), under));
        if ((uint32_t)_mm256_movemask_epi8(valid) != 0xFFFFFFFFu) return -1;
        __m256i offset = _mm256_or_si256(
            _mm256_or_si256(_mm256_and_si256(upper, _mm256_set1_epi8(-'A')), _mm256_and_si256(lower, _mm256_set1_epi8(26 - 'a'))),
            _mm256_or_si256(_mm256_or_si256(_mm256_and_si256(digit, _mm256_set1_epi8(52 - '0')),
                                            _mm256_and_si256(minus, _mm256_set1_epi8(62 - '-'))),
                            _mm256_and_si256(under, _mm256_set1_epi8(63 - '_'))));
        __m256i values = _mm256_add_epi8(v, offset);
        __m256i packed = _mm256_madd_epi16(_mm256_maddubs_epi16(values, pack_pairs), pack_quads);
        packed = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(packed, order), lanes);
        _mm256_storeu_si256((__m256i *)(out + o), packed);
        i += 32;
        o += 24;
    }
    *written = o;
    return (long)i;
}

static bool has_avx2(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx2") ? 1 : 0;
    }
    return cached == 1;
}
#endif

long wear_base64url_decode(const uint8_t *in, size_t len, uint8_t *out, size_t capacity) {
    if (len % 4 == 1) return -1;
    size_t needed = len / 4 * 3 + (len % 4 ? len % 4 - 1 : 0);
    if (capacity < needed) return -1;
    size_t consumed = 0, written = 0;
#if defined(__x86_64__)
    if (len >= 32 && has_avx2()) {
        long step = decode_avx2(in, len, out, capacity, &written);
        if (step < 0) return -1;
        consumed = (size_t)step;
    }
#endif
    long rest = decode_scalar(in + consumed, len - consumed, out + written);
    return rest < 0 ? -1 : (long)(written + (size_t)rest);
}
