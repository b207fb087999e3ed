/* uxload: a small, fast HTTP/1.1 load generator for unix-socket (or TCP loopback) servers.
 *
 * Copied from the team's shared tools (shared/tools/bench/uxload.c; only this paragraph differs)
 * so that this repository's benchmark, scripts/bench-api.sh, is self-contained. Keep the two in step.
 *
 *   cc -O2 -pthread -o uxload uxload.c
 *   uxload -s /path/unix.socket [-p /1.0] [-c CONNS] [-d SECONDS] [-n MAX_PER_CONN] [-k 0|1] [-m METHOD] [-b BODY]
 *   uxload -t 127.0.0.1:8080 ...           (TCP instead of a unix socket)
 *
 * Each connection is a thread sending requests back to back (no pipelining). -k 1 (default) keeps the
 * connection alive; -k 0 opens a new connection per request (what the lxc CLI does). Responses are parsed
 * (Content-Length or chunked); a status outside 2xx counts as an error. Bounded by -d seconds and -n requests
 * per connection. A "{c}" in the path is replaced by the connection's number (0..CONNS-1), so that each connection
 * can work on its own resource. Prints one JSON line: {"requests","rps","p50_ms","p99_ms","max_ms","errors"}.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static const char *sock_path, *tcp_addr, *path = "/1.0", *method = "GET", *body = NULL;
static int conns = 1, keepalive = 1;
static double duration = 5;
static long max_per_conn = 100000000L;

typedef struct { long ok, err; double *lat; long nlat, cap; int index; } result_t;

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

static int dial(void) {
    int fd;
    if (sock_path) {
        struct sockaddr_un a = {.sun_family = AF_UNIX};
        strncpy(a.sun_path, sock_path, sizeof a.sun_path - 1);
        fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) { if (fd >= 0) close(fd); return -1; }
    } else {
        char host[64]; int port; const char *c = strrchr(tcp_addr, ':');
        if (!c) return -1;
        snprintf(host, sizeof host, "%.*s", (int)(c - tcp_addr), tcp_addr); port = atoi(c + 1);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
        inet_pton(AF_INET, host, &a.sin_addr);
        fd = socket(AF_INET, SOCK_STREAM, 0);
        int one = 1; setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) { if (fd >= 0) close(fd); return -1; }
    }
    return fd;
}

/* Reads one response; returns status or -1. Leftover bytes stay in buf (*have). */
static int read_response(int fd, char *buf, size_t cap, size_t *have, int *closed) {
    size_t hl = 0; char *e;
    for (;;) {
        buf[*have] = 0;
        if ((e = strstr(buf, "\r\n\r\n"))) { hl = e - buf + 4; break; }
        if (*have >= cap - 1) return -1;
        ssize_t r = read(fd, buf + *have, cap - 1 - *have);
        if (r <= 0) return -1;
        *have += r;
    }
    int status = atoi(buf + 9);
    long clen = -1; int chunked = 0; *closed = 0;
    for (char *l = strstr(buf, "\r\n") + 2; l < buf + hl - 2; l = strstr(l, "\r\n") + 2) {
        if (!strncasecmp(l, "content-length:", 15)) clen = atol(l + 15);
        else if (!strncasecmp(l, "transfer-encoding:", 18) && strcasestr(l, "chunked") < strstr(l, "\r\n")) chunked = 1;
        else if (!strncasecmp(l, "connection:", 11) && strcasestr(l, "close") && strcasestr(l, "close") < strstr(l, "\r\n")) *closed = 1;
    }
    memmove(buf, buf + hl, *have - hl); *have -= hl;
    if (chunked) {
        for (;;) {
            char *nl;
            while (!(buf[*have] = 0, nl = strstr(buf, "\r\n"))) {
                ssize_t r = read(fd, buf + *have, cap - 1 - *have); if (r <= 0) return -1; *have += r;
            }
            long n = strtol(buf, NULL, 16); size_t need = (nl - buf) + 2 + n + 2;
            while (*have < need) { ssize_t r = read(fd, buf + *have, cap - 1 - *have); if (r <= 0) return -1; *have += r; }
            memmove(buf, buf + need, *have - need); *have -= need;
            if (n == 0) return status;
        }
    }
    if (clen < 0) clen = 0;
    while ((long)*have < clen) {
        size_t want = cap - 1 - *have; if (want == 0) { clen -= *have; *have = 0; continue; }
        ssize_t r = read(fd, buf + *have, want); if (r <= 0) return -1; *have += r;
    }
    memmove(buf, buf + clen, *have - clen); *have -= clen;
    return status;
}

static void *worker(void *arg) {
    result_t *res = arg;
    char req[8192], mypath[2048], *buf = malloc(1 << 20);
    const char *mark = strstr(path, "{c}");
    if (mark) snprintf(mypath, sizeof mypath, "%.*s%d%s", (int)(mark - path), path, res->index, mark + 3);
    else snprintf(mypath, sizeof mypath, "%s", path);
    int rl = snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: unix.socket\r\nUser-Agent: uxload\r\n%s%s",
                      method, mypath, keepalive ? "" : "Connection: close\r\n", body ? "Content-Type: application/json\r\n" : "");
    if (body) rl += snprintf(req + rl, sizeof req - rl, "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
    else rl += snprintf(req + rl, sizeof req - rl, "\r\n");
    double end = now() + duration; int fd = -1; size_t have = 0;
    for (long i = 0; i < max_per_conn && now() < end; i++) {
        double t0 = now();
        if (fd < 0) { fd = dial(); have = 0; if (fd < 0) { res->err++; usleep(1000); continue; } }
        if (write(fd, req, rl) != rl) { res->err++; close(fd); fd = -1; continue; }
        int closed = 0, st = read_response(fd, buf, 1 << 20, &have, &closed);
        if (st < 200 || st > 299) res->err++; else res->ok++;
        if (st < 0 || closed || !keepalive) { close(fd); fd = -1; }
        if (res->nlat == res->cap) { res->cap = res->cap ? res->cap * 2 : 65536; res->lat = realloc(res->lat, res->cap * sizeof(double)); }
        res->lat[res->nlat++] = (now() - t0) * 1000;
    }
    if (fd >= 0) close(fd);
    free(buf);
    return NULL;
}

static int cmp(const void *a, const void *b) { double x = *(double *)a, y = *(double *)b; return x < y ? -1 : x > y; }

int main(int argc, char **argv) {
    int o;
    while ((o = getopt(argc, argv, "s:t:p:c:d:n:k:m:b:")) != -1) switch (o) {
        case 's': sock_path = optarg; break; case 't': tcp_addr = optarg; break; case 'p': path = optarg; break;
        case 'c': conns = atoi(optarg); break; case 'd': duration = atof(optarg); break;
        case 'n': max_per_conn = atol(optarg); break; case 'k': keepalive = atoi(optarg); break;
        case 'm': method = optarg; break; case 'b': body = optarg; break;
        default: fprintf(stderr, "usage: see the comment at the top of uxload.c\n"); return 2;
    }
    if (!sock_path == !tcp_addr || conns < 1 || conns > 4096 || duration <= 0 || duration > 600) {
        fprintf(stderr, "need exactly one of -s/-t, 1..4096 connections, 0 < -d <= 600\n"); return 2;
    }
    pthread_t th[4096]; result_t *res = calloc(conns, sizeof *res);
    double t0 = now();
    for (int i = 0; i < conns; i++) { res[i].index = i; pthread_create(&th[i], NULL, worker, &res[i]); }
    for (int i = 0; i < conns; i++) pthread_join(th[i], NULL);
    double el = now() - t0; long ok = 0, err = 0, n = 0;
    for (int i = 0; i < conns; i++) { ok += res[i].ok; err += res[i].err; n += res[i].nlat; }
    double *all = malloc((n ? n : 1) * sizeof(double)); long k = 0;
    for (int i = 0; i < conns; i++) { memcpy(all + k, res[i].lat, res[i].nlat * sizeof(double)); k += res[i].nlat; }
    qsort(all, n, sizeof(double), cmp);
    printf("{\"requests\": %ld, \"rps\": %.1f, \"p50_ms\": %.3f, \"p99_ms\": %.3f, \"max_ms\": %.3f, \"errors\": %ld}\n",
           ok, ok / el, n ? all[n / 2] : 0, n ? all[(long)(n * 0.99)] : 0, n ? all[n - 1] : 0, err);
    return 0;
}
