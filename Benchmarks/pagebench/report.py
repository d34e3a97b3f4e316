"""The table a run prints."""

from .common import fmt_bytes, fmt_int, fmt_ms, fmt_s, log


def print_table(report, args, origins):
    g = report['generate']
    interval = f'{args.interval // 60}-minute' if args.interval % 60 == 0 else f'{args.interval}-second'
    log('')
    log(f'status page, {args.days} days x {args.endpoints} endpoints x {args.origins} origins ({interval} rounds)')
    for key, label in (('page_summaries_old_store', 'summaries, no page index'), ('page_summaries', 'summaries, page index')):
        s = report.get(key)
        if not s:
            continue
        note = '' if s['detected_by'] == ['rendered'] else f" (render detected by {'/'.join(s['detected_by'])}, not dataset.rendered)"
        log(f"  {label + ':':<26}requests {s['requests']['median']:.0f} ({s['data_requests']['median']:.0f} data), "
            f"{fmt_bytes(s['transferred_bytes']['median'])} transferred, rendered in {fmt_ms(s['rendered_ms']['median'])} "
            f"(median of {args.runs}; {fmt_ms(s['rendered_ms']['min'])}-{fmt_ms(s['rendered_ms']['max'])}){note}, "
            f"script {fmt_ms(s['script_ms']['median'])} ({fmt_ms(s['script_ms']['min'])}-{fmt_ms(s['script_ms']['max'])})")
        log(f"                            {fmt_int(int(s['dom_nodes']['median']))} DOM nodes, JS heap "
            f"{fmt_bytes(s['js_heap_bytes']['median'])} ({fmt_bytes(s['js_heap_bytes']['min'])}-{fmt_bytes(s['js_heap_bytes']['max'])}), "
            f"mode {'/'.join(s['mode'])}" + (f"; ERRORS: {s['errors'][0]}" if s['errors'] else ''))
    c = report.get('page_checkfiles_1day')
    o = report['original_computed']
    line = '  check files (original):   '
    if c:
        note = '' if c['detected_by'] == ['rendered'] else f" (detected by {'/'.join(c['detected_by'])})"
        line += (f"1 day: requests {c['requests']['median']:.0f} ({c['data_requests']['median']:.0f} data), "
                 f"{fmt_bytes(c['transferred_bytes']['median'])}, rendered in {fmt_ms(c['rendered_ms']['median'])} "
                 f"({fmt_ms(c['rendered_ms']['min'])}-{fmt_ms(c['rendered_ms']['max'])}){note}; ")
    line += (f"{args.days} days: {fmt_int(o['files'])} files + {fmt_int(o['list_requests'])} list requests, "
             f"{fmt_bytes(o['bytes'])}")
    log(line)
    if c:
        log(f"                            1 day: {fmt_int(int(c['dom_nodes']['median']))} DOM nodes, JS heap "
            f"{fmt_bytes(c['js_heap_bytes']['median'])}, mode {'/'.join(c['mode'])}"
            + (f"; ERRORS: {c['errors'][0]}" if c['errors'] else ''))
    for name in origins:
        r = report['summarize'][name]
        log(f"  summarize: {name} {fmt_int(r['files'])} files / {fmt_int(r['results'])} results in {r['seconds']:.1f} s "
            f"({fmt_int(round(r['results_per_s']))} results/s), summary {fmt_bytes(r['summary_bytes'])} "
            f"({fmt_bytes(r['summary_gzip_bytes'])} gzip)")
    log(f"  generate: {fmt_int(g['files'])} files, {fmt_int(g['results'])} results, {fmt_bytes(g['bytes'])} in {fmt_s(g['seconds'])}")
