/* The benchmark's DNS reference: the least a c-ares program can do to run N DNS checks.
 *
 * One channel keeps at most P queries outstanding; each asks the server for NAME's A records
 * over UDP, parses the answer (ares_parse_a_reply, as a check must to compare it), nothing
 * stored. Prints one line: "<checks> <failures>".
 *
 *   cc -O2 -o ares-loop ares-loop.c -lcares
 *   ares-loop HOST:PORT NAME N P
 */
#include <ares.h>
#include <arpa/nameser.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/select.h>

static int started, done, failed, total;
static const char *name;
static ares_channel channel;

static void answered(void *arg, int status, int timeouts, unsigned char *abuf, int alen) {
    (void)arg; (void)timeouts;
    struct ares_addrttl addrs[8];
    int naddrs = 8;
    done++;
    if (status != ARES_SUCCESS || ares_parse_a_reply(abuf, alen, NULL, addrs, &naddrs) != ARES_SUCCESS || naddrs == 0)
        failed++;
    if (started < total) {
        started++;
        ares_query(channel, name, ns_c_in, ns_t_a, answered, NULL);
    }
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: ares-loop HOST:PORT NAME N P\n");
        return 2;
    }
    name = argv[2];
    total = atoi(argv[3]);
    int parallel = atoi(argv[4]);
    ares_library_init(ARES_LIB_INIT_ALL);
    struct ares_options options = {.timeout = 10000, .tries = 1};
    if (ares_init_options(&channel, &options, ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES) != ARES_SUCCESS ||
        ares_set_servers_ports_csv(channel, argv[1]) != ARES_SUCCESS) {
        fprintf(stderr, "ares-loop: cannot use server %s\n", argv[1]);
        return 1;
    }
    while (started < total && started < parallel) {
        started++;
        ares_query(channel, name, ns_c_in, ns_t_a, answered, NULL);
    }
    while (done < total) {
        fd_set readers, writers;
        FD_ZERO(&readers);
        FD_ZERO(&writers);
        int nfds = ares_fds(channel, &readers, &writers);
        if (nfds == 0) break;
        struct timeval wait, *tv = ares_timeout(channel, NULL, &wait);
        select(nfds, &readers, &writers, NULL, tv);
        ares_process(channel, &readers, &writers);
    }
    ares_destroy(channel);
    ares_library_cleanup();
    printf("%d %d\n", done, failed);
    return failed > 0;
}
