/* libcurl's own floor for measurement 3: the plainest multi-interface loop
 * in C (no Swift, no gateway, nothing built per request), bare GETs over C
 * connections, on T threads each with its own multi handle and C/T of the
 * connections — the shape of Outreach's engine threads. Whatever libcurl
 * costs per request, this pays too: the distance from here to wrk is
 * libcurl's, the distance from here to `outreach bench-http` is ours.
 *
 *     curl_floor URL COUNT CONNECTIONS THREADS   → one JSON line
 *
 * bench/run.py compiles it (cc -O2 … -lcurl -lpthread) into bench/data/. */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct worker { const char *url; int count; int connections; int ok; int failed; };

static size_t discard(char *data, size_t size, size_t n, void *user) {
    (void)data; (void)user;
    return size * n;
}

static CURL *easy(const char *url) {
    CURL *e = curl_easy_init();
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
    return e;
}

static void *run(void *arg) {
    struct worker *w = arg;
    CURLM *multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)w->connections);
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, 64L);
    int started = 0, done = 0;
    for (int i = 0; i < w->connections && started < w->count; i++, started++)
        curl_multi_add_handle(multi, easy(w->url));
    while (done < w->count) {
        int running;
        curl_multi_perform(multi, &running);
        CURLMsg *message;
        int queued;
        while ((message = curl_multi_info_read(multi, &queued))) {
            if (message->msg != CURLMSG_DONE) continue;
            CURL *e = message->easy_handle;
            long status = 0;
            curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
            if (message->data.result == CURLE_OK && status >= 200 && status < 300) w->ok++; else w->failed++;
            done++;
            curl_multi_remove_handle(multi, e);
            if (started < w->count) {
                curl_multi_add_handle(multi, e);
                started++;
            } else {
                curl_easy_cleanup(e);
            }
        }
        if (done < w->count) curl_multi_poll(multi, NULL, 0, 1000, NULL);
    }
    curl_multi_cleanup(multi);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: curl_floor URL COUNT CONNECTIONS THREADS\n");
        return 2;
    }
    const char *url = argv[1];
    int count = atoi(argv[2]), connections = atoi(argv[3]), threads = atoi(argv[4]);
    if (count <= 0 || connections <= 0 || threads <= 0 || threads > 64) return 2;
    if (threads > connections) threads = connections;
    curl_global_init(CURL_GLOBAL_ALL);
    struct worker workers[64];
    pthread_t ids[64];
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (int i = 0; i < threads; i++) {
        workers[i] = (struct worker){url, count / threads + (i < count % threads), connections / threads + (i < connections % threads), 0, 0};
        pthread_create(&ids[i], NULL, run, &workers[i]);
    }
    int ok = 0, failed = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(ids[i], NULL);
        ok += workers[i].ok;
        failed += workers[i].failed;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("{\"requests\": %d, \"accepted\": %d, \"failed\": %d, \"seconds\": %.6f, \"requestsPerSecond\": %.1f, "
           "\"connections\": %d, \"threads\": %d, \"libcurl\": \"%s\"}\n",
           count, ok, failed, seconds, count / seconds, connections, threads, curl_version_info(CURLVERSION_NOW)->version);
    curl_global_cleanup();
    return failed ? 1 : 0;
}
