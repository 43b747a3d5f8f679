// The C peer of the wear-decrypt benchmark: the same work in a plain C loop.
//
// Per line: find the token (--scan: a byte scan for "jwe":"...", the default;
// --jansson: parse the envelope with jansson), split it, look the encoded
// header up in a per-device cache (on a miss: decode it, parse it with
// jansson, check alg/enc/kid, derive the key with HKDF-SHA256, make one EVP
// context), base64url-decode IV, ciphertext and tag, decrypt with OpenSSL
// EVP (AES-256-GCM, AAD = the encoded header), check that the plaintext is an
// object containing "dev":"<kid>" (a byte scan: no JSON validation), and write
// the plaintext with ,"rx":N,"sz":N appended.
//
// build: cc -O2 -o peer_c peer_c.c -lcrypto -ljansson
// usage: peer_c MASTER_KEY_HEX_FILE [--jansson] < records.ndjson > out.ndjson
#define _GNU_SOURCE
#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// The cache is unbounded (one context per device, never evicted): the C
// loop's best case for a large fleet. It doubles when half full.
typedef struct { char *header; size_t header_len; char kid[260]; size_t kid_len; EVP_CIPHER_CTX *ctx; } entry;
static entry *cache;
static size_t slots = 8192, used;
static unsigned char master[32];
static EVP_CIPHER *aes256;
static long rejected;

static int8_t table[256];
static void init_table(void) {
    const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    memset(table, -1, sizeof table);
    for (int i = 0; i < 64; i++) table[(unsigned char)alphabet[i]] = (int8_t)i;
}

static long b64url_decode(const char *in, size_t len, unsigned char *out) {
    if (len % 4 == 1) return -1;
    size_t o = 0, i = 0;
    int bad = 0;
    for (; i + 4 <= len; i += 4) {
        int a = table[(unsigned char)in[i]], b = table[(unsigned char)in[i + 1]];
        int c = table[(unsigned char)in[i + 2]], d = table[(unsigned char)in[i + 3]];
        bad |= a | b | c | d;
        uint32_t w = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 | (uint32_t)d;
        out[o++] = w >> 16; out[o++] = w >> 8; out[o++] = w;
    }
    if (len - i == 2) {
        int a = table[(unsigned char)in[i]], b = table[(unsigned char)in[i + 1]];
        bad |= a | b;
        out[o++] = (unsigned char)(a << 2 | b >> 4);
    } else if (len - i == 3) {
        int a = table[(unsigned char)in[i]], b = table[(unsigned char)in[i + 1]], c = table[(unsigned char)in[i + 2]];
        bad |= a | b | c;
        uint32_t w = (uint32_t)a << 10 | (uint32_t)b << 4 | (uint32_t)c >> 2;
        out[o++] = w >> 8; out[o++] = w;
    }
    return bad < 0 ? -1 : (long)o;
}

static uint64_t hash(const char *s, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static int derive(const char *kid, size_t kid_len, unsigned char out[32]) {
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *kctx = EVP_KDF_CTX_new(kdf);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, "SHA256", 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, master, 32),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, "wear-telemetry-v1", 17),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)kid, kid_len),
        OSSL_PARAM_construct_end(),
    };
    int ok = EVP_KDF_derive(kctx, out, 32, params) == 1;
    EVP_KDF_CTX_free(kctx);
    EVP_KDF_free(kdf);
    return ok;
}

static void grow(void) {
    entry *old = cache;
    size_t old_slots = slots;
    slots *= 2;
    cache = calloc(slots, sizeof *cache);
    for (size_t i = 0; i < old_slots; i++) {
        if (old[i].header == NULL) continue;
        size_t slot = hash(old[i].header, old[i].header_len) & (slots - 1);
        while (cache[slot].header != NULL) slot = (slot + 1) & (slots - 1);
        cache[slot] = old[i];
    }
    free(old);
}

static entry *lookup(const char *header, size_t len) {
    size_t slot = hash(header, len) & (slots - 1);
    for (;;) {
        entry *e = &cache[slot];
        if (e->header == NULL) break;
        if (e->header_len == len && memcmp(e->header, header, len) == 0) return e;
        slot = (slot + 1) & (slots - 1);
    }
    unsigned char json[1024];
    long n = len <= 1300 ? b64url_decode(header, len, json) : -1;
    if (n < 0) return NULL;
    json_error_t error;
    json_t *root = json_loadb((const char *)json, (size_t)n, JSON_REJECT_DUPLICATES, &error);
    if (root == NULL) return NULL;
    const char *alg = json_string_value(json_object_get(root, "alg"));
    const char *enc = json_string_value(json_object_get(root, "enc"));
    json_t *kid = json_object_get(root, "kid");
    entry *e = NULL;
    if (json_object_size(root) == 3 && alg && enc && json_is_string(kid) && strcmp(alg, "dir") == 0
        && strcmp(enc, "A256GCM") == 0 && json_string_length(kid) > 0 && json_string_length(kid) <= 256) {
        unsigned char key[32];
        size_t kid_len = json_string_length(kid);
        if (derive(json_string_value(kid), kid_len, key)) {
            if (2 * (used + 1) > slots) {
                grow();
                slot = hash(header, len) & (slots - 1);
                while (cache[slot].header != NULL) slot = (slot + 1) & (slots - 1);
            }
            used++;
            e = &cache[slot];
            e->header = malloc(len);
            memcpy(e->header, header, len);
            e->header_len = len;
            memcpy(e->kid, json_string_value(kid), kid_len);
            e->kid_len = kid_len;
            e->ctx = EVP_CIPHER_CTX_new();
            EVP_DecryptInit_ex(e->ctx, aes256, NULL, key, NULL);
        }
    }
    json_decref(root);
    return e;
}

// Opens one token; writes the output line to out and returns its length, or -1.
static long open_token(const char *token, size_t len, long long rx, size_t envelope_size, char *out) {
    const char *dot = memchr(token, '.', len);
    if (dot == NULL || len < 43) return -1;
    size_t h = (size_t)(dot - token), tag_start = len - 22;
    if (token[h + 1] != '.' || token[h + 18] != '.' || token[tag_start - 1] != '.' || h + 20 > tag_start) return -1;
    entry *e = lookup(token, h);
    if (e == NULL) return -1;
    unsigned char iv[16], tag[16];
    unsigned char *plain = (unsigned char *)out;
    if (b64url_decode(token + h + 2, 16, iv) != 12 || b64url_decode(token + tag_start, 22, tag) != 16) return -1;
    long n = b64url_decode(token + h + 19, tag_start - 1 - (h + 19), plain);
    if (n < 2) return -1;
    int outl;
    if (EVP_DecryptInit_ex(e->ctx, NULL, NULL, NULL, iv) != 1
        || EVP_DecryptUpdate(e->ctx, NULL, &outl, (const unsigned char *)token, (int)h) != 1
        || EVP_DecryptUpdate(e->ctx, plain, &outl, plain, (int)n) != 1
        || EVP_CIPHER_CTX_ctrl(e->ctx, EVP_CTRL_GCM_SET_TAG, 16, tag) != 1
        || EVP_DecryptFinal_ex(e->ctx, plain + n, &outl) != 1) return -1;
    if (plain[0] != '{' || plain[n - 1] != '}') return -1;
    char needle[300];
    int needle_len = snprintf(needle, sizeof needle, "\"dev\":\"%.*s\"", (int)e->kid_len, e->kid);
    if (memmem(plain, (size_t)n, needle, (size_t)needle_len) == NULL) return -1;
    n -= 1;
    n += sprintf(out + n, ",\"rx\":%lld,\"sz\":%zu}\n", rx, envelope_size);
    return n;
}

static long long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: peer_c MASTER_KEY_HEX_FILE [--jansson]\n"); return 64; }
    int use_jansson = argc > 2 && strcmp(argv[2], "--jansson") == 0;
    FILE *key_file = fopen(argv[1], "r");
    if (key_file == NULL) { perror(argv[1]); return 66; }
    for (int i = 0; i < 32; i++) {
        unsigned int byte;
        if (fscanf(key_file, "%2x", &byte) != 1) { fprintf(stderr, "bad master key\n"); return 78; }
        master[i] = (unsigned char)byte;
    }
    fclose(key_file);
    init_table();
    cache = calloc(slots, sizeof *cache);
    aes256 = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
    static char in_buffer[1 << 16], out_buffer[1 << 16];
    setvbuf(stdin, in_buffer, _IOFBF, sizeof in_buffer);
    setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);
    char *line = NULL, out[1 << 16];
    size_t capacity = 0;
    ssize_t length;
    long in = 0, emitted = 0;
    while ((length = getline(&line, &capacity, stdin)) > 0) {
        if (line[length - 1] == '\n') line[--length] = 0;
        in++;
        const char *token = NULL;
        size_t token_len = 0;
        long long rx = -1;
        json_t *root = NULL;
        if (use_jansson) {
            json_error_t error;
            root = json_loadb(line, (size_t)length, JSON_REJECT_DUPLICATES, &error);
            json_t *jwe = json_object_get(root, "jwe");
            token = json_string_value(jwe);
            token_len = token ? json_string_length(jwe) : 0;
            json_t *rx_value = json_object_get(root, "rx");
            if (json_is_integer(rx_value)) rx = json_integer_value(rx_value);
        } else {
            char *start = memmem(line, (size_t)length, "\"jwe\":\"", 7);
            if (start) {
                token = start + 7;
                char *end = memchr(token, '"', (size_t)(line + length - token));
                token_len = end ? (size_t)(end - token) : 0;
                char *rx_text = memmem(line, (size_t)length, "\"rx\":", 5);
                if (rx_text) rx = strtoll(rx_text + 5, NULL, 10);
            }
        }
        long n = token_len ? open_token(token, token_len, rx >= 0 ? rx : now_ms(), (size_t)length, out) : -1;
        if (n > 0) { fwrite(out, 1, (size_t)n, stdout); emitted++; } else { rejected++; }
        if (root) json_decref(root);
    }
    fflush(stdout);
    fprintf(stderr, "peer_c: in=%ld out=%ld rejected=%ld\n", in, emitted, rejected);
    return 0;
}
