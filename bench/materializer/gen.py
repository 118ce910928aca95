#!/usr/bin/env python3
"""bench/materializer/gen.py - write one psql script per workload.

    gen.py MODE OUTDIR FRAME

MODE eg: eg.begin + eg.dataset/eg.aggregate/eg.model for the workload's
steps, then eg.run() (its report to :report).  MODE plain: the same queries
as CREATE TEMP TABLE statements (a model step as SELECT train(...)).  Each
script prints "ELAPSED <seconds>" (clock_timestamp() around everything, in
the session) and writes its last step, the workload's answer, to :check.
FRAME replaces :frame in the queries (the rolling window's size).
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_steps(frame):
    steps = {}
    cur = None
    for line in open(os.path.join(HERE, "steps.sql")):
        if line.startswith("--- "):
            head = line[4:].split(None, 4)
            kind, name = head[0], head[1]
            cur = {"kind": kind, "name": name, "body": []}
            if kind == "aggregate":
                cur["quality_of"] = head[2] if len(head) > 2 else None
            elif kind == "model":
                cur["train"], cur["input"] = head[2], head[3]
                cur["params"] = line[4:].split(None, 4)[4].strip()
            steps[name] = cur
            continue
        if cur is None or line.startswith("--"):
            continue
        cur["body"].append(line)
    for s in steps.values():
        body = "".join(s.pop("body")).strip().rstrip(";").strip()
        s["query"] = body.replace(":frame", str(frame))
    return steps


def parse_workloads():
    out = []
    for line in open(os.path.join(HERE, "workloads")):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, rest = line.split(":", 1)
        out.append((name.strip(), rest.split()))
    return out


def dollar(q):
    assert "$egq$" not in q
    return "$egq$\n" + q + "\n$egq$"


def script(mode, wname, names, steps):
    out = ["\\o /dev/null", "SELECT clock_timestamp() AS bench_t0 \\gset"]
    if mode == "eg":
        out.append(f"SELECT eg.begin('bench/materializer/{wname}');")
        for n in names:
            s = steps[n]
            if s["kind"] == "dataset":
                out.append(f"SELECT eg.dataset('{n}', {dollar(s['query'])});")
            elif s["kind"] == "aggregate":
                q = f", quality_of => '{s['quality_of']}'" if s["quality_of"] else ""
                out.append(f"SELECT eg.aggregate('{n}', {dollar(s['query'])}{q});")
            else:
                out.append(f"SELECT eg.model('{n}', '{s['train']}', '{s['input']}', '{s['params']}');")
        out.append("\\o :report")
        out.append("SELECT step, kind, action, round(seconds::numeric, 4) AS seconds, rows, bytes FROM eg.run();")
    else:
        for n in names:
            s = steps[n]
            if s["kind"] == "model":
                q = f"SELECT {s['train']}('{s['input']}'::regclass, '{s['params']}'::jsonb, NULL) AS model"
            else:
                q = s["query"]
            out.append(f"CREATE TEMP TABLE {n} AS\n{q};")
    out.append("\\o")
    out.append("SELECT round(extract(epoch FROM clock_timestamp() - :'bench_t0'::timestamptz)::numeric, 4)"
               " AS bench_elapsed \\gset")
    out.append("\\echo ELAPSED :bench_elapsed")
    out.append("\\o :check")
    last = names[-1]
    if steps[last]["kind"] == "model":
        out.append(f"SELECT convert_from(model, 'UTF8') FROM {last};")
    else:
        out.append(f"SELECT * FROM {last};")
    out.append("\\o")
    return "\n".join(out) + "\n"


def main():
    mode, outdir, frame = sys.argv[1], sys.argv[2], int(sys.argv[3])
    steps = parse_steps(frame)
    os.makedirs(outdir, exist_ok=True)
    names = []
    for wname, snames in parse_workloads():
        for n in snames:
            if n not in steps:
                sys.exit(f"gen.py: workload {wname}: no step {n} in steps.sql")
        with open(os.path.join(outdir, f"{wname}.{mode}.sql"), "w") as f:
            f.write(script(mode, wname, snames, steps))
        names.append(wname)
    print(" ".join(names))


if __name__ == "__main__":
    main()
