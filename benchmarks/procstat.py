"""CPU of the benchmark's own process tree from /proc: server, browser, driver, the rest.

`cpu_meter(server_pid)` starts measuring; its `stop()` gives CPU % (100 % = one core) per
group and "other" (every process outside this benchmark: contamination by other work).
"""
import os
import time
from pathlib import Path


def _stat(pid):
    """(ppid, comm, utime + stime ticks) of a process, or None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    rest = text[text.rfind(")") + 2:].split()
    return int(rest[1]), text[text.find("(") + 1:text.rfind(")")], int(rest[11]) + int(rest[12])


def processes():
    """pid -> (ppid, comm, utime + stime ticks) of every process now."""
    return {int(p): st for p in os.listdir("/proc") if p.isdigit() and (st := _stat(p))}


def cmdline(pid):
    """The command line's arguments of a process ([] when it is gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().split("\0")
    except OSError:
        return []


def process_groups(server_pid):
    """{'server', 'browser', 'driver', 'self'}: pid -> CPU ticks, over this process's tree
    (driver: Playwright's node process; browser: every other descendant but the server)."""
    stats = processes()
    groups = {"server": {}, "browser": {}, "driver": {}, "self": {os.getpid(): stats[os.getpid()][2]}}
    todo = [pid for pid, st in stats.items() if st[0] == os.getpid()]
    while todo:
        pid = todo.pop()
        server = pid == server_pid or stats[pid][0] in groups["server"]
        group = "server" if server else "driver" if stats[pid][1] == "node" else "browser"
        groups[group][pid] = stats[pid][2]
        todo += [child for child, st in stats.items() if st[0] == pid]
    return groups


def busy_ticks():
    """Non-idle CPU ticks of the whole machine (all cores): all but idle and iowait."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return sum(ticks) - ticks[3] - ticks[4]


def load1():
    return float(Path("/proc/loadavg").read_text().split()[0])


def cpu_meter(server_pid):
    """Starts measuring; the returned stop() gives CPU % (of one core) per process group and
    of every process outside them ("other")."""
    before, busy, start = process_groups(server_pid), busy_ticks(), time.monotonic()

    def stop():
        groups, pct = process_groups(server_pid), 100 / os.sysconf("SC_CLK_TCK") / (time.monotonic() - start)
        out = {name: pct * sum(t - before[name].get(pid, 0) for pid, t in procs.items())
               for name, procs in groups.items()}
        return dict(out, other=max(0.0, pct * (busy_ticks() - busy) - sum(out.values())))
    return stop
