/* The benchmark's reference: the least a libcurl program can do to run N checks.
 *
 * One multi handle keeps at most P transfers running; each transfer is a GET of one URL on a new
 * connection (CURLOPT_FRESH_CONNECT + CURLOPT_FORBID_REUSE), its body thrown away, nothing parsed,
 * nothing stored. With --connect-only each transfer only connects (CURLOPT_CONNECT_ONLY), as a
 * TCP check does. Prints one line: "<checks> <failures>".
 *
 *   cc -O2 -o curl-loop curl-loop.c -lcurl
 *   curl-loop [--connect-only] [--insecure] [--cacert FILE] URL N P
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t discard(char *data, size_t size, size_t n, void *user) {
    (void)data; (void)user;
    return size * n;
}

static CURL *new_transfer(const char *url, int connect_only, int insecure, const char *cacert) {
    CURL *easy = curl_easy_init();
    curl_easy_setopt(easy, CURLOPT_URL, url);
    curl_easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    if (connect_only) curl_easy_setopt(easy, CURLOPT_CONNECT_ONLY, 1L);
    if (insecure) {
        curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (cacert) curl_easy_setopt(easy, CURLOPT_CAINFO, cacert);
    return easy;
}

int main(int argc, char **argv) {
    int connect_only = 0, insecure = 0, arg = 1;
    const char *cacert = NULL;
    for (; arg < argc && strncmp(argv[arg], "--", 2) == 0; arg++) {
        if (strcmp(argv[arg], "--connect-only") == 0) connect_only = 1;
        else if (strcmp(argv[arg], "--insecure") == 0) insecure = 1;
        else if (strcmp(argv[arg], "--cacert") == 0 && arg + 1 < argc) cacert = argv[++arg];
        else { fprintf(stderr, "curl-loop: unknown option %s\n", argv[arg]); return 2; }
    }
    if (argc - arg != 3) {
        fprintf(stderr, "usage: curl-loop [--connect-only] [--insecure] [--cacert FILE] URL N P\n");
        return 2;
    }
    const char *url = argv[arg];
    long total = atol(argv[arg + 1]), parallel = atol(argv[arg + 2]);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURLM *multi = curl_multi_init();
    long started = 0, done = 0, failed = 0;
    int running = 0;
    for (; started < total && started < parallel; started++)
        curl_multi_add_handle(multi, new_transfer(url, connect_only, insecure, cacert));
    while (done < total) {
        curl_multi_perform(multi, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(multi, &left))) {
            if (msg->msg != CURLMSG_DONE) continue;
            CURL *easy = msg->easy_handle;
            long code = 0;
            curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
            if (msg->data.result != CURLE_OK || (!connect_only && code != 200)) failed++;
            curl_multi_remove_handle(multi, easy);
            curl_easy_cleanup(easy);
            done++;
            if (started < total) {
                curl_multi_add_handle(multi, new_transfer(url, connect_only, insecure, cacert));
                started++;
            }
        }
        if (done < total) curl_multi_poll(multi, NULL, 0, 1000, NULL);
    }
    curl_multi_cleanup(multi);
    curl_global_cleanup();
    printf("%ld %ld\n", done, failed);
    return failed ? 1 : 0;
}
