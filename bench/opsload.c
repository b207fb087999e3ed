/* opsload: drives operations through berthd's queue and follows them to their final event.
 *
 *   cc -O2 -pthread -o opsload opsload.c
 *   opsload -s /path/unix.socket -p PATH -b BODY [-c CLIENTS] [-w WINDOW] [-d SECONDS]
 *
 * One thread first subscribes to GET /1.0/events?type=operation as NDJSON. Then CLIENTS threads, each
 * on its own keep-alive connection, POST BODY to PATH ("{c}" in PATH becomes the client's number) and
 * read the 202 (the operation is committed when it arrives); a client keeps at most WINDOW of its
 * operations unfinished, waiting for final events before it submits more, so the queue is measured at
 * a steady state and not by a growing backlog. After SECONDS no new operation is submitted and every
 * accepted one is awaited (at most 60 s). Prints one JSON line:
 *   accepted     operations that got their 202
 *   completed    operations whose final event (Success, Failure, Cancelled) arrived
 *   ops_per_s    completed / (time of the last final event - start): throughput through the queue
 *   p50/p99/max  milliseconds from sending the POST to receiving the operation's final event
 *   failed       final events that were not Success; errors: responses other than 202
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAP_SIZE (1u << 20) /* open addressing; at most MAX_OPS live entries */
#define MAX_OPS (MAP_SIZE / 2)
#define ID_LEN 36

typedef struct { char id[ID_LEN + 1]; double sent, final; int client; int status; } entry_t;

static const char *sock_path, *path, *body;
static int clients = 1, window = 16;
static double duration = 5;
static entry_t *map;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static long accepted, completed, failed, errors, *inflight;
static double started, last_final;
static int stop_events;

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }

static int dial(void) {
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    strncpy(a.sun_path, sock_path, sizeof a.sun_path - 1);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); exit(1); }
    return fd;
}

/* The entry for `id`, created empty when absent. Called with `lock` held. */
static entry_t *slot(const char *id) {
    uint32_t h = 2166136261u;
    for (int i = 0; i < ID_LEN; i++) h = (h ^ (unsigned char)id[i]) * 16777619u;
    for (uint32_t i = h & (MAP_SIZE - 1);; i = (i + 1) & (MAP_SIZE - 1)) {
        if (!map[i].id[0]) { memcpy(map[i].id, id, ID_LEN); map[i].client = -1; return &map[i]; }
        if (!memcmp(map[i].id, id, ID_LEN)) return &map[i];
    }
}

/* Both halves known (202 read, final event seen): the operation is done. Called with `lock` held. */
static void settle(entry_t *e) {
    completed++;
    if (e->status != 200) failed++;
    inflight[e->client]--;
    pthread_cond_broadcast(&changed);
}

static int fill(int fd, char *buf, size_t cap, size_t *have) {
    ssize_t r = read(fd, buf + *have, cap - 1 - *have);
    if (r <= 0) return -1;
    *have += r; buf[*have] = 0;
    return 0;
}

/* Reads one response head and its Content-Length body; returns the status, with the id from Location. */
static int read_response(int fd, char *buf, size_t cap, size_t *have, char *id) {
    char *e;
    buf[*have] = 0;
    while (!(e = strstr(buf, "\r\n\r\n"))) if (fill(fd, buf, cap, have)) return -1;
    size_t head = e - buf + 4;
    int status = atoi(buf + 9);
    long length = 0;
    id[0] = 0;
    for (char *l = strstr(buf, "\r\n") + 2; l < buf + head - 2; l = strstr(l, "\r\n") + 2) {
        if (!strncasecmp(l, "content-length:", 15)) length = atol(l + 15);
        else if (!strncasecmp(l, "location:", 9)) {
            char *slash = memrchr(l, '/', strstr(l, "\r\n") - l);
            if (slash) { memcpy(id, slash + 1, ID_LEN); id[ID_LEN] = 0; }
        }
    }
    while (*have < head + length) if (fill(fd, buf, cap, have)) return -1;
    memmove(buf, buf + head + length, *have - head - length);
    *have -= head + length;
    return status;
}

static void *client(void *arg) {
    int index = (int)(intptr_t)arg;
    char request[8192], target[2048], id[ID_LEN + 1], *buf = malloc(1 << 16);
    const char *mark = strstr(path, "{c}");
    if (mark) snprintf(target, sizeof target, "%.*s%d%s", (int)(mark - path), path, index, mark + 3);
    else snprintf(target, sizeof target, "%s", path);
    int length = snprintf(request, sizeof request,
                          "POST %s HTTP/1.1\r\nHost: berth\r\nUser-Agent: opsload\r\nContent-Type: application/json\r\n"
                          "Content-Length: %zu\r\n\r\n%s", target, strlen(body), body);
    int fd = dial();
    size_t have = 0;
    double end = started + duration;
    for (;;) {
        pthread_mutex_lock(&lock);
        while (inflight[index] >= window && now() < end) {
            struct timespec t; clock_gettime(CLOCK_REALTIME, &t); t.tv_nsec += 2000000;
            if (t.tv_nsec >= 1000000000) { t.tv_sec++; t.tv_nsec -= 1000000000; }
            pthread_cond_timedwait(&changed, &lock, &t);
        }
        int go = now() < end && accepted < MAX_OPS;
        if (go) inflight[index]++;
        pthread_mutex_unlock(&lock);
        if (!go) break;
        double sent = now();
        if (write(fd, request, length) != length) { perror("write"); exit(1); }
        int status = read_response(fd, buf, 1 << 16, &have, id);
        pthread_mutex_lock(&lock);
        if (status != 202 || strlen(id) != ID_LEN) {
            errors++; inflight[index]--;
        } else {
            accepted++;
            entry_t *e = slot(id);
            e->sent = sent; e->client = index;
            if (e->final > 0) settle(e);
        }
        pthread_mutex_unlock(&lock);
        if (status < 0) { fprintf(stderr, "connection lost\n"); exit(1); }
    }
    close(fd);
    free(buf);
    return NULL;
}

/* One NDJSON event line: records the final state of the operation it carries. */
static void event_line(const char *line, double at) {
    const char *code = strstr(line, "\"status_code\":"), *id = strstr(line, "\"metadata\":{\"id\":\"");
    if (!code || !id) return;
    int status = atoi(code + 14);
    if (status != 200 && status != 400 && status != 401) return;
    pthread_mutex_lock(&lock);
    entry_t *e = slot(id + 18);
    if (e->final == 0) {
        e->final = at; e->status = status;
        if (at > last_final) last_final = at;
        if (e->client >= 0) settle(e);
    }
    pthread_mutex_unlock(&lock);
}

static int subscribed;

static void *events(void *arg) {
    (void)arg;
    int fd = dial();
    const char *request = "GET /1.0/events?type=operation HTTP/1.1\r\nHost: berth\r\nAccept: application/x-ndjson\r\n\r\n";
    if (write(fd, request, strlen(request)) < 0) { perror("write"); exit(1); }
    size_t cap = 1 << 22, have = 0;
    char *buf = malloc(cap), *e;
    buf[0] = 0;
    while (!(e = strstr(buf, "\r\n\r\n"))) if (fill(fd, buf, cap, &have)) { fprintf(stderr, "events: no head\n"); exit(1); }
    if (atoi(buf + 9) != 200) { fprintf(stderr, "events: %.40s\n", buf); exit(1); }
    size_t head = e - buf + 4;
    memmove(buf, buf + head, have - head); have -= head; buf[have] = 0;
    pthread_mutex_lock(&lock); subscribed = 1; pthread_cond_broadcast(&changed); pthread_mutex_unlock(&lock);
    /* Chunked: "<hex>\r\n<data>\r\n"; the data holds whole lines. */
    for (;;) {
        char *nl;
        while (!(nl = strstr(buf, "\r\n"))) if (fill(fd, buf, cap, &have)) return NULL;
        long n = strtol(buf, NULL, 16);
        size_t need = (nl - buf) + 2 + n + 2;
        while (have < need) if (fill(fd, buf, cap, &have)) return NULL;
        double at = now();
        char *data = nl + 2, saved = data[n];
        data[n] = 0;
        for (char *line = data, *end; *line; line = end + 1) {
            end = strchr(line, '\n');
            if (!end) { event_line(line, at); break; }
            *end = 0; event_line(line, at); *end = '\n';
        }
        data[n] = saved;
        memmove(buf, buf + need, have - need); have -= need; buf[have] = 0;
        if (n == 0 || stop_events) break;
    }
    return NULL;
}

static int compare(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return x < y ? -1 : x > y; }

int main(int argc, char **argv) {
    int o;
    while ((o = getopt(argc, argv, "s:p:b:c:w:d:")) != -1) switch (o) {
        case 's': sock_path = optarg; break; case 'p': path = optarg; break; case 'b': body = optarg; break;
        case 'c': clients = atoi(optarg); break; case 'w': window = atoi(optarg); break;
        case 'd': duration = atof(optarg); break;
        default: fprintf(stderr, "usage: see the comment at the top of opsload.c\n"); return 2;
    }
    if (!sock_path || !path || !body || clients < 1 || clients > 256 || window < 1 || duration <= 0 || duration > 600) {
        fprintf(stderr, "need -s, -p, -b, 1..256 clients, a window >= 1, 0 < -d <= 600\n"); return 2;
    }
    map = calloc(MAP_SIZE, sizeof *map);
    inflight = calloc(clients, sizeof *inflight);
    pthread_t watcher, threads[256];
    pthread_create(&watcher, NULL, events, NULL);
    pthread_mutex_lock(&lock);
    while (!subscribed) pthread_cond_wait(&changed, &lock);
    pthread_mutex_unlock(&lock);
    started = now();
    for (int i = 0; i < clients; i++) pthread_create(&threads[i], NULL, client, (void *)(intptr_t)i);
    for (int i = 0; i < clients; i++) pthread_join(threads[i], NULL);
    double limit = now() + 60;
    pthread_mutex_lock(&lock);
    while (completed < accepted && now() < limit) {
        struct timespec t; clock_gettime(CLOCK_REALTIME, &t); t.tv_sec += 1;
        pthread_cond_timedwait(&changed, &lock, &t);
    }
    stop_events = 1;
    long n = 0;
    double *latency = malloc(sizeof(double) * (completed + 1));
    for (uint32_t i = 0; i < MAP_SIZE; i++)
        if (map[i].id[0] && map[i].client >= 0 && map[i].final > 0) latency[n++] = (map[i].final - map[i].sent) * 1000;
    qsort(latency, n, sizeof(double), compare);
    double elapsed = (last_final > started ? last_final : now()) - started;
    printf("{\"accepted\": %ld, \"completed\": %ld, \"ops_per_s\": %.1f, \"p50_ms\": %.3f, \"p99_ms\": %.3f, "
           "\"max_ms\": %.3f, \"failed\": %ld, \"errors\": %ld}\n",
           accepted, completed, completed / elapsed, n ? latency[n / 2] : 0, n ? latency[(long)(n * 0.99)] : 0,
           n ? latency[n - 1] : 0, failed, errors);
    pthread_mutex_unlock(&lock);
    return completed == accepted && errors == 0 ? 0 : 1;
}
