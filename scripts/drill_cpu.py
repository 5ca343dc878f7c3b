"""CPU used by each part of the failover drill's fleet, from drill.sh's samples.

Usage: drill_cpu.py SAMPLES POSTMASTER_PID REDIS_PORT WORK_DIR

SAMPLES holds, every 5 s, a line "@ cpu ..." (the first line of /proc/stat), a line "% PID…"
(the RabbitMQ node's process, from its pid file) and `ps -eo pid=,ppid=,times=,args=`. A
process belongs to a part by its command line, or by its parent's part (nginx's and
PostgreSQL's workers, RabbitMQ's helpers). Its CPU is its last sample less its first (a process
first seen after the first sample counts from zero), so workers killed during the drill count
up to their last sample. Prints one line: CPU seconds per part, their sum in cores on average,
and the machine's busy share over the same time.
"""
import os
import sys

PARTS = ["workers", "api", "drill_client", "postgres", "rabbitmq", "redis", "nginx"]


def own_part(pid, args, postmaster, rabbit, redis_port, work):
    program = args.split(" ", 1)[0]
    if program.endswith("footfall"):
        command = (args.split() + ["", ""])[1]
        return {"serve": "api", "worker": "workers", "drill": "drill_client"}.get(command)
    if pid == postmaster:
        return "postgres"
    if pid in rabbit:
        return "rabbitmq"
    if program == "redis-server" and args.endswith(f":{redis_port}"):
        return "redis"
    if args.startswith("nginx: master") and work in args:
        return "nginx"
    return None


def main():
    path, postmaster, redis_port, work = sys.argv[1:5]
    postmaster = int(postmaster)
    first, last = {}, {}
    stats, rabbit, sample, samples = [], set(), [], 0

    def settle():
        # A sample's processes: parts by command line first, then by parent.
        parts = {pid: own_part(pid, args, postmaster, rabbit, redis_port, work) for pid, _, _, args in sample}
        parents = {pid: ppid for pid, ppid, _, _ in sample}
        for pid, ppid, cpu, args in sample:
            name, up = parts[pid], ppid
            for _ in range(3):
                if name is not None:
                    break
                name, up = parts.get(up), parents.get(up)
            if name is None:
                continue
            key = (pid, args.split(" ", 1)[0])
            if key not in first:
                first[key] = (cpu if samples == 1 else 0, name)
            last[key] = cpu

    with open(path, errors="replace") as lines:
        for line in lines:
            if line.startswith("@ "):
                settle()
                sample = []
                samples += 1
                stats.append([int(v) for v in line.split()[2:]])
            elif line.startswith("% "):
                rabbit.update(int(v) for v in line.split()[1:] if v.isdigit())
            else:
                fields = line.split(None, 3)
                if len(fields) == 4 and fields[0].isdigit() and fields[2].isdigit():
                    sample.append((int(fields[0]), int(fields[1]), int(fields[2]), fields[3].strip()))
    settle()
    if len(stats) < 2:
        print("drill: cpu not sampled")
        return
    totals = dict.fromkeys(PARTS, 0)
    for key, (start, name) in first.items():
        totals[name] += max(0, last[key] - start)
    ticks = [b - a for a, b in zip(stats[0], stats[-1])]
    idle = ticks[3] + ticks[4]
    total = sum(ticks[:8])
    cores = os.cpu_count() or 1
    wall = total / cores / os.sysconf("SC_CLK_TCK")
    busy = sum(totals.values())
    figures = " ".join(f"{name}={totals[name]}" for name in PARTS)
    print(f"drill: cpu_s {figures} sum={busy} ({busy / max(1, wall):.2f} cores) over {wall:.0f} s; "
          f"machine busy {100 * (total - idle) / max(1, total):.0f} % of {cores} cores")


main()
