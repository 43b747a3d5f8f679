// The "C jansson parse+dump" peer of the identity benchmark: for every line
// of stdin, json_loadb it, dump it compact with json_dumpb, write it to
// stdout. What a stage would cost if it rebuilt every record with jansson.
//
//   cc -O2 -o jansson_identity jansson_identity.c -ljansson
//   jansson_identity [--parse-only] < records.ndjson > out.ndjson
//
// Lines are framed with a large read buffer and memchr (no getline/stdio on
// input); output goes through a 64 KiB stdio buffer. Invalid lines are
// counted and skipped; the counts go to stderr at exit. --parse-only skips
// the dump and writes nothing (jansson's parse cost alone).
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long in, out, bad;
static int parse_only;
static char dumped[1 << 16];

static void handle(const char *line, size_t len) {
    if (len && line[len - 1] == '\r') len--;
    if (!len) return;
    in++;
    json_error_t error;
    json_t *root = json_loadb(line, len, 0, &error);
    if (!root) {
        bad++;
        return;
    }
    if (!parse_only) {
        size_t n = json_dumpb(root, dumped, sizeof dumped - 1, JSON_COMPACT);
        if (n == 0 || n > sizeof dumped - 1) {
            char *big = json_dumps(root, JSON_COMPACT); // rare: longer than the buffer
            if (big) {
                fputs(big, stdout);
                putchar('\n');
                free(big);
                out++;
            } else {
                bad++;
            }
        } else {
            dumped[n] = '\n';
            fwrite(dumped, 1, n + 1, stdout);
            out++;
        }
    }
    json_decref(root);
}

int main(int argc, char **argv) {
    parse_only = argc > 1 && strcmp(argv[1], "--parse-only") == 0;
    static char obuf[1 << 16];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    size_t cap = 1 << 20, start = 0, end = 0;
    char *buf = malloc(cap);
    if (!buf) return 71;
    for (;;) {
        if (cap - end < (1 << 18)) { // keep room for a large read
            memmove(buf, buf + start, end - start);
            end -= start;
            start = 0;
            if (cap - end < (1 << 18)) {
                cap *= 2;
                if (!(buf = realloc(buf, cap))) return 71;
            }
        }
        ssize_t got = read(0, buf + end, cap - end);
        if (got < 0) return 74;
        if (got == 0) break;
        end += (size_t)got;
        char *nl;
        while ((nl = memchr(buf + start, '\n', end - start))) {
            handle(buf + start, (size_t)(nl - (buf + start)));
            start = (size_t)(nl - buf) + 1;
        }
    }
    if (end > start) handle(buf + start, end - start);
    if (fflush(stdout)) return 74;
    fprintf(stderr, "jansson_identity: in=%ld out=%ld invalid=%ld\n", in, out, bad);
    return 0;
}
