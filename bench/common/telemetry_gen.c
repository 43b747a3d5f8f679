// Deterministic telemetry generator for the benchmarks: NDJSON records in
// DESIGN.md's telemetry shape, round-robin over a fleet of devices.
//
//   telemetry_gen [--records N] [--devices D] [--seed S] > records.ndjson
//
// The same arguments always give the same bytes (splitmix64 per record, no
// clock, no locale). Devices come in three kinds so that records vary in
// shape and average ~141 bytes (the example in DESIGN.md is a watch's):
//   watch (1/4): every field               ~173 bytes
//   band  (1/2): no gyro, no temp          ~138 bytes
//   patch (1/4): hr, spo2, temp, bat, rssi ~114 bytes
// Per device `seq` rises by 1 per record and `ts` by ~1 s (with jitter);
// `steps` only ever grows. Formatting is hand-rolled: 1M records take well
// under a second.
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t mix(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

typedef struct {
    uint64_t state;
} rng;

static uint64_t next(rng *r) { return mix(r->state++); }

// A uniform integer in [lo, hi].
static long range(rng *r, long lo, long hi) { return lo + (long)(next(r) % (uint64_t)(hi - lo + 1)); }

static char *put_str(char *p, const char *s) {
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

static char *put_uint(char *p, uint64_t v) {
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) *p++ = digits[--n];
    return p;
}

static char *put_int(char *p, int64_t v) {
    if (v < 0) {
        *p++ = '-';
        return put_uint(p, (uint64_t)(-v));
    }
    return put_uint(p, (uint64_t)v);
}

// A fixed-point number value / 10^decimals, printed like Python's repr for
// short decimals: trailing zeros trimmed, at least one fractional digit.
static char *put_fixed(char *p, int64_t value, int decimals) {
    int64_t scale = 1;
    for (int i = 0; i < decimals; i++) scale *= 10;
    if (value < 0) {
        *p++ = '-';
        value = -value;
    }
    p = put_uint(p, (uint64_t)(value / scale));
    *p++ = '.';
    int64_t frac = value % scale;
    int digits = decimals;
    while (digits > 1 && frac % 10 == 0) {
        frac /= 10;
        digits--;
    }
    char buf[8];
    for (int i = digits - 1; i >= 0; i--) {
        buf[i] = (char)('0' + frac % 10);
        frac /= 10;
    }
    memcpy(p, buf, (size_t)digits);
    return p + digits;
}

typedef struct {
    uint64_t seq;
    uint64_t steps;
    int64_t ts;
} device;

enum { WATCH, BAND, PATCH };

static int kind_of(long d) { return d % 4 == 0 ? WATCH : (d % 4 == 3 ? PATCH : BAND); }

static const char *firmware[] = {"2.4.1", "2.4.1", "2.4.1", "2.4.0", "2.3.9", "2.5.0-rc1"};

static char *record(char *p, long d, device *dev, rng *r) {
    int kind = kind_of(d);
    p = put_str(p, "{\"dev\":\"wr-");
    char id[8];
    snprintf(id, sizeof id, "%06ld", d);
    p = put_str(p, id);
    p = put_str(p, "\",\"seq\":");
    p = put_uint(p, dev->seq++);
    p = put_str(p, ",\"ts\":");
    p = put_int(p, dev->ts);
    dev->ts += 1000 + range(r, -20, 20);
    p = put_str(p, ",\"fw\":\"");
    p = put_str(p, firmware[(mix((uint64_t)d) >> 7) % (sizeof firmware / sizeof *firmware)]);
    p = put_str(p, "\",\"hr\":");
    p = put_int(p, range(r, 55, 110));
    p = put_str(p, ",\"spo2\":");
    p = put_int(p, range(r, 94, 100));
    if (kind != BAND) {
        p = put_str(p, ",\"temp\":");
        p = put_fixed(p, range(r, 330, 375), 1);
    }
    if (kind != PATCH) {
        p = put_str(p, ",\"acc\":[");
        p = put_fixed(p, range(r, -20, 20), 2);
        *p++ = ',';
        p = put_fixed(p, range(r, -20, 20), 2);
        *p++ = ',';
        p = put_fixed(p, range(r, 90, 105), 2);
        *p++ = ']';
    }
    if (kind == WATCH) {
        p = put_str(p, ",\"gyro\":[");
        for (int i = 0; i < 3; i++) {
            if (i) *p++ = ',';
            p = put_fixed(p, range(r, -50, 50), 1);
        }
        *p++ = ']';
    }
    p = put_str(p, ",\"bat\":");
    p = put_int(p, range(r, 5, 100));
    p = put_str(p, ",\"rssi\":");
    p = put_int(p, range(r, -95, -40));
    if (kind != PATCH) {
        dev->steps += (uint64_t)range(r, 0, 30);
        p = put_str(p, ",\"steps\":");
        p = put_uint(p, dev->steps);
    }
    *p++ = '}';
    *p++ = '\n';
    return p;
}

static void usage(void) {
    fputs("usage: telemetry_gen [--records N] [--devices D] [--seed S]\n", stderr);
    exit(64);
}

int main(int argc, char **argv) {
    long records = 1000000, devices = 10000;
    uint64_t seed = 42;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc) usage();
        char *end;
        long long v = strtoll(argv[i + 1], &end, 10);
        if (*end || v < 0) usage();
        if (!strcmp(argv[i], "--records")) records = (long)v;
        else if (!strcmp(argv[i], "--devices") && v > 0 && v <= 999999) devices = (long)v;
        else if (!strcmp(argv[i], "--seed")) seed = (uint64_t)v;
        else usage();
        i++;
    }
    device *fleet = calloc((size_t)devices, sizeof *fleet);
    if (!fleet) return 71;
    for (long d = 0; d < devices; d++) {
        uint64_t h = mix(seed ^ mix((uint64_t)d));
        fleet[d].seq = 1 + h % 50000;
        fleet[d].steps = (h >> 20) % 8000;
        fleet[d].ts = 1763700000000LL + (int64_t)((h >> 40) % 1000);
    }
    static char out[1 << 20];
    char *p = out;
    for (long i = 0; i < records; i++) {
        long d = i % devices;
        rng r = {mix(seed) ^ mix((uint64_t)i * 0x100000001b3ULL)};
        p = record(p, d, &fleet[d], &r);
        if (p - out > (long)sizeof out - 512) {
            if (fwrite(out, 1, (size_t)(p - out), stdout) != (size_t)(p - out)) return 74;
            p = out;
        }
    }
    if (fwrite(out, 1, (size_t)(p - out), stdout) != (size_t)(p - out) || fflush(stdout)) return 74;
    free(fleet);
    return 0;
}
