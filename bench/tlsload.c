/* tlsload: an HTTPS load generator on OpenSSL, the TLS counterpart of bench/uxload.c.
 *
 *   cc -O2 -pthread -o tlsload tlsload.c -lssl -lcrypto
 *   tlsload -t 127.0.0.1:8443 [-p /1.0] [-c CONNS] [-d SECONDS] [-n MAX_PER_CONN] [-k 0|1] [-H]
 *           [-C client.crt -K client.key]
 *
 * Each connection is a thread. -k 1 (default) keeps one TLS connection alive and sends requests back to
 * back (no pipelining); -k 0 makes a new TCP connection and a full TLS handshake per request (what lxc
 * does); -H makes handshakes only: connect, full handshake, close_notify, close, with no request. No
 * session is ever resumed (no session cache, no tickets), so every handshake is a full one. The server's
 * certificate is not verified (it is self-signed on both servers measured); -C/-K present a client
 * certificate. Responses are parsed (Content-Length or chunked); a status outside 2xx counts as an error.
 * Prints one JSON line: {"requests","rps","p50_ms","p99_ms","max_ms","errors","protocol","cipher"} where
 * "requests" counts handshakes with -H.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *tcp_addr, *path = "/1.0", *cert_file, *key_file;
static int conns = 1, keepalive = 1, handshake_only = 0;
static double duration = 5;
static long max_per_conn = 100000000L;
static char protocol[32] = "", cipher[64] = "";
static pthread_mutex_t names_lock = PTHREAD_MUTEX_INITIALIZER;

typedef struct { long ok, err; double *lat; long nlat, cap; int index; } result_t;
typedef struct { int fd; SSL *ssl; } conn_t;

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

static SSL_CTX *make_context(void) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) return NULL;
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    if (cert_file && (SSL_CTX_use_certificate_file(ctx, cert_file, SSL_FILETYPE_PEM) != 1 ||
                      SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) != 1)) {
        ERR_print_errors_fp(stderr);
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

static void hang_up(conn_t *c, int clean) {
    if (c->ssl) { if (clean) SSL_shutdown(c->ssl); SSL_free(c->ssl); c->ssl = NULL; }
    if (c->fd >= 0) { close(c->fd); c->fd = -1; }
}

static int dial(SSL_CTX *ctx, conn_t *c) {
    char host[64]; int port; const char *colon = strrchr(tcp_addr, ':');
    if (!colon) return -1;
    snprintf(host, sizeof host, "%.*s", (int)(colon - tcp_addr), tcp_addr); port = atoi(colon + 1);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1) return -1;
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd < 0) return -1;
    int one = 1; setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, (struct sockaddr *)&a, sizeof a) < 0) { hang_up(c, 0); return -1; }
    c->ssl = SSL_new(ctx);
    SSL_set_fd(c->ssl, c->fd);
    if (SSL_connect(c->ssl) != 1) { ERR_clear_error(); hang_up(c, 0); return -1; }
    if (!protocol[0]) {
        pthread_mutex_lock(&names_lock);
        snprintf(protocol, sizeof protocol, "%s", SSL_get_version(c->ssl));
        snprintf(cipher, sizeof cipher, "%s", SSL_get_cipher_name(c->ssl));
        pthread_mutex_unlock(&names_lock);
    }
    return 0;
}

static ssize_t more(conn_t *c, char *buf, size_t n) {
    int r = SSL_read(c->ssl, buf, (int)n);
    return r > 0 ? r : -1;
}

/* Reads one response; returns status or -1. Leftover bytes stay in buf (*have). */
static int read_response(conn_t *c, char *buf, size_t cap, size_t *have, int *closed) {
    size_t hl = 0; char *e;
    for (;;) {
        buf[*have] = 0;
        if ((e = strstr(buf, "\r\n\r\n"))) { hl = e - buf + 4; break; }
        if (*have >= cap - 1) return -1;
        ssize_t r = more(c, buf + *have, cap - 1 - *have);
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
                ssize_t r = more(c, buf + *have, cap - 1 - *have); if (r <= 0) return -1; *have += r;
            }
            long n = strtol(buf, NULL, 16); size_t need = (nl - buf) + 2 + n + 2;
            while (*have < need) { ssize_t r = more(c, buf + *have, cap - 1 - *have); if (r <= 0) return -1; *have += r; }
            memmove(buf, buf + need, *have - need); *have -= need;
            if (n == 0) return status;
        }
    }
    if (clen < 0) clen = 0;
    while ((long)*have < clen) {
        size_t want = cap - 1 - *have; if (want == 0) { clen -= *have; *have = 0; continue; }
        ssize_t r = more(c, buf + *have, want); if (r <= 0) return -1; *have += r;
    }
    memmove(buf, buf + clen, *have - clen); *have -= clen;
    return status;
}

static void record(result_t *res, double t0) {
    if (res->nlat == res->cap) { res->cap = res->cap ? res->cap * 2 : 65536; res->lat = realloc(res->lat, res->cap * sizeof(double)); }
    res->lat[res->nlat++] = (now() - t0) * 1000;
}

static void *worker(void *arg) {
    result_t *res = arg;
    SSL_CTX *ctx = make_context();
    if (!ctx) { res->err++; return NULL; }
    char req[4096], *buf = malloc(1 << 20);
    int rl = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: tlsload\r\n%s\r\n",
                      path, tcp_addr, keepalive ? "" : "Connection: close\r\n");
    double end = now() + duration; conn_t c = {.fd = -1}; size_t have = 0;
    for (long i = 0; i < max_per_conn && now() < end; i++) {
        double t0 = now();
        if (c.fd < 0) { have = 0; if (dial(ctx, &c) < 0) { res->err++; usleep(1000); continue; } }
        if (handshake_only) { hang_up(&c, 1); res->ok++; record(res, t0); continue; }
        if (SSL_write(c.ssl, req, rl) != rl) { res->err++; hang_up(&c, 0); continue; }
        int closed = 0, st = read_response(&c, buf, 1 << 20, &have, &closed);
        if (st < 200 || st > 299) res->err++; else res->ok++;
        if (st < 0 || closed || !keepalive) hang_up(&c, st >= 0);
        record(res, t0);
    }
    hang_up(&c, 1);
    SSL_CTX_free(ctx);
    free(buf);
    return NULL;
}

static int cmp(const void *a, const void *b) { double x = *(double *)a, y = *(double *)b; return x < y ? -1 : x > y; }

int main(int argc, char **argv) {
    int o;
    while ((o = getopt(argc, argv, "t:p:c:d:n:k:HC:K:")) != -1) switch (o) {
        case 't': tcp_addr = optarg; break; case 'p': path = optarg; break;
        case 'c': conns = atoi(optarg); break; case 'd': duration = atof(optarg); break;
        case 'n': max_per_conn = atol(optarg); break; case 'k': keepalive = atoi(optarg); break;
        case 'H': handshake_only = 1; break; case 'C': cert_file = optarg; break; case 'K': key_file = optarg; break;
        default: fprintf(stderr, "usage: see the comment at the top of tlsload.c\n"); return 2;
    }
    if (!tcp_addr || conns < 1 || conns > 4096 || duration <= 0 || duration > 600 || !cert_file != !key_file) {
        fprintf(stderr, "need -t HOST:PORT, 1..4096 connections, 0 < -d <= 600, and -C with -K\n"); return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    pthread_t th[4096]; result_t *res = calloc(conns, sizeof *res);
    double t0 = now();
    for (int i = 0; i < conns; i++) { res[i].index = i; pthread_create(&th[i], NULL, worker, &res[i]); }
    for (int i = 0; i < conns; i++) pthread_join(th[i], NULL);
    double el = now() - t0; long ok = 0, err = 0, n = 0;
    for (int i = 0; i < conns; i++) { ok += res[i].ok; err += res[i].err; n += res[i].nlat; }
    double *all = malloc((n ? n : 1) * sizeof(double)); long k = 0;
    for (int i = 0; i < conns; i++) { memcpy(all + k, res[i].lat, res[i].nlat * sizeof(double)); k += res[i].nlat; }
    qsort(all, n, sizeof(double), cmp);
    printf("{\"requests\": %ld, \"rps\": %.1f, \"p50_ms\": %.3f, \"p99_ms\": %.3f, \"max_ms\": %.3f, \"errors\": %ld, "
           "\"protocol\": \"%s\", \"cipher\": \"%s\"}\n",
           ok, ok / el, n ? all[n / 2] : 0, n ? all[(long)(n * 0.99)] : 0, n ? all[n - 1] : 0, err, protocol, cipher);
    return 0;
}
