#!/usr/bin/env python3
"""bench/paper/report.py - tables and plots of bench/paper/run's raw figures.

    report.py OUT LAST_MD PLOTS_DIR RESULTS_MD LABEL

Reads OUT/*.tsv (written by bench/paper/run), writes LAST_MD (markdown
tables beside the paper's figures), PLOTS_DIR/<label>_fig*.png, replaces the
section between "<!-- paper-LABEL:begin -->" and "<!-- paper-LABEL:end -->"
of RESULTS_MD (appending it when missing), and writes OUT/summary.txt whose
last line is "repeated: N.Nx, sequence: NN% (floor FF%)": the floor is the
share of plain SQL's sequence time that the steps no earlier workload
computed took in eg's sequence (each step's first computation), which no
reuse can save.
"""
import csv
import datetime
import glob
import os
import statistics
import subprocess
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

OUT, LAST_MD, PLOTS, RESULTS_MD, LABEL = sys.argv[1:6]
WS = ["W%d" % i for i in range(1, 9)]

# The paper's figures (docs/paper.md 7.3, the authors' result data).
PAPER_REPEAT = {"W1": (196.6, 201.8, 52.5), "W2": (207.7, 176.2, 7.1), "W3": (372.6, 292.6, 69.5)}
PAPER_SEQ = {"KG (plain)": 1806, "HL (helix)": 1640, "CO (paper)": 928}
PAPER_MAT = {"SA": (1023, 936, 910, 893), "HM": (1552, 1453, 1386, 1356),
             "HL": (1634, 1526, 1423, 1340), "ALL": (900, 900, 900, 900)}
PAPER_REUSE = {"all_compute": 2029, "all_load": 1210, "helix": 979, "linear": 947}


def rows(name):
    """The rows of OUT/name as lists of strings ([] when missing)."""
    path = os.path.join(OUT, name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [r for r in csv.reader(f, delimiter="\t") if r]


def seqs():
    """{tag: {W: seconds}} of every sequence run."""
    s = {}
    for tag, w, sec in rows("seq.tsv"):
        s.setdefault(tag, {})[w] = float(sec)
    return s


def total(seq):
    return sum(seq.values())


def cumulative(seq):
    c, acc = [], 0.0
    for w in WS:
        acc += seq.get(w, 0.0)
        c.append(acc)
    return c


def mb(b):
    return "%.1f" % (float(b) / 1e6)


def table(header, body):
    """A markdown table."""
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---:" if i else "---" for i in range(len(header))) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in body]
    return "\n".join(out)


def plot(name, draw):
    """Save a figure drawn by draw(ax) as PLOTS/<label>_<name>.png; its path."""
    fig, ax = plt.subplots(figsize=(7, 4.2))
    draw(ax)
    fig.tight_layout()
    path = os.path.join(PLOTS, "%s_%s.png" % (LABEL, name))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return os.path.relpath(path, os.path.dirname(LAST_MD))


def fig4(md, S):
    """Repeated runs of W1-W3; returns the median speedup of the second runs."""
    rep = {}
    for w, r, sec in rows("repeat.tsv"):
        rep.setdefault(w, {})[r] = float(sec)
    if not rep or "plain" not in S:
        return None
    body, speed = [], []
    for w in sorted(rep):
        p, r1, r2 = S["plain"][w], rep[w]["1"], rep[w]["2"]
        speed.append(p / r2)
        k, c1, c2 = PAPER_REPEAT[w]
        body.append([w, "%.1f" % p, "%.1f" % r1, "%.2f" % r2, "%.1fx" % (p / r2), "%.1fx" % (r1 / r2),
                     "%.1f / %.1f / %.1f (%.1fx)" % (k, c1, c2, k / c2)])
    med = statistics.median(speed)
    md.append("### Fig. 4: repeated runs\n")
    md.append("Each of W1-W3 on an empty graph, run twice through eg (its defaults, eg.budget 1GB); "
              "plain SQL is the same workload without eg (the paper's KG).\n")
    md.append(table(["workload", "plain s", "eg 1st s", "eg 2nd s", "plain / 2nd", "1st / 2nd",
                     "paper KG / CO 1st / CO 2nd (KG / 2nd)"], body))
    md.append("\nMedian speedup of the second run over plain SQL: **%.1fx** (target >= 20x; paper ~10x).\n" % med)

    def draw(ax):
        x = range(len(rep))
        ws = sorted(rep)
        ax.bar([i - 0.27 for i in x], [S["plain"][w] for w in ws], 0.27, label="plain SQL")
        ax.bar(list(x), [rep[w]["1"] for w in ws], 0.27, label="eg, 1st run")
        ax.bar([i + 0.27 for i in x], [rep[w]["2"] for w in ws], 0.27, label="eg, 2nd run")
        ax.set_xticks(list(x))
        ax.set_xticklabels(ws)
        ax.set_ylabel("seconds")
        ax.set_title("Fig. 4: repeated workloads")
        ax.legend()
    md.append("![fig 4](%s)\n" % plot("fig4_repeated", draw))
    return med


def fig5(md, S):
    """W1-W8 in sequence; returns eg's cumulative time as a fraction of plain SQL's."""
    names = [("plain", "plain SQL (KG)"), ("helix", "helix reuse + materializer (HL)"),
             ("paper", "paper: linear + storage_aware (CO)"), ("eg", "eg: optimal + storage_aware"),
             ("all_hc", "eg: optimal + all, no budget")]
    have = [(t, n) for t, n in names if t in S]
    if "plain" not in S or "eg" not in S:
        return None
    p = total(S["plain"])
    body = [[n] + ["%.1f" % S[t].get(w, 0) for w in WS] + ["**%.1f**" % total(S[t]), "%.0f%%" % (100 * total(S[t]) / p)]
            for t, n in have]
    md.append("### Fig. 5: W1-W8 in sequence\n")
    md.append("Seconds per workload, each in a new session, eg configurations from an empty graph with budget B.\n")
    md.append(table(["configuration"] + WS + ["total", "% of plain"], body))
    md.append("\nPaper (cumulative s): KG 1806, HL 1640 (91%), CO 928 (51%).\n")
    f = floor(S)
    if f is not None:
        md.append("\nFloor: the steps that no earlier workload computed took %.0f%% of plain SQL's time in "
                  "eg's sequence (each step's first computation): no reuse saves them, so eg's sequence "
                  "cannot go below it (target: within 3 points).\n" % (100 * f))
    md.append(breakdown([t for t, _ in have if t != "plain"], S))

    def draw(ax):
        for t, n in have:
            ax.plot(range(1, 9), cumulative(S[t]), marker="o", label=n)
        ax.set_xticks(range(1, 9))
        ax.set_xticklabels(WS)
        ax.set_ylabel("cumulative seconds")
        ax.set_title("Fig. 5: W1-W8 in sequence")
        ax.legend(fontsize=8)
    md.append("![fig 5](%s)\n" % plot("fig5_sequence", draw))
    return total(S["eg"]) / p


def floor(S):
    """The sequence's floor: each step's first computation in eg's sequence
    (actions.tsv, in workload order), as a fraction of plain SQL's total."""
    if "plain" not in S:
        return None
    seen, first = set(), 0.0
    for tag, w, step, action, sec in rows("actions.tsv"):
        if tag == "eg" and action == "computed" and step not in seen:
            seen.add(step)
            first += float(sec)
    return first / total(S["plain"]) if seen else None


def model_steps():
    """Names of the model steps of W1-W8 (eg.model calls in the workload files
    and the step files they include)."""
    names = set()
    wl = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "workloads")
    for path in glob.glob(os.path.join(wl, "w[1-8].sql")) + glob.glob(os.path.join(wl, "steps", "*.sql")):
        with open(path) as f:
            for line in f:
                if line.startswith("SELECT eg.model('"):
                    names.add(line.split("'")[1])
    return names


def breakdown(tags, S):
    """Where each eg configuration's time went, from eg.run's reports."""
    models = model_steps()
    acc = {}
    for tag, w, step, action, sec in rows("actions.tsv"):
        if tag not in tags:
            continue
        a = acc.setdefault(tag, {"models": 0.0, "other": 0.0, "loads": 0.0, "nmod": 0})
        if action == "loaded":
            a["loads"] += float(sec)
        elif action == "computed" and step in models:
            a["models"] += float(sec)
            a["nmod"] += 1
        elif action == "computed":
            a["other"] += float(sec)
    body = []
    for t in tags:
        if t in acc:
            a = acc[t]
            rest = total(S[t]) - a["models"] - a["other"] - a["loads"]
            body.append([t, "%.1f (%d)" % (a["models"], a["nmod"]), "%.1f" % a["other"], "%.1f" % a["loads"],
                         "%.1f" % rest, "%.1f" % total(S[t])])
    if not body:
        return ""
    return ("\nWhere the time went (seconds over W1-W8; models trained in brackets; the rest is "
            "planning, recording, materializing and the session):\n\n" +
            table(["configuration", "training models", "other steps computed", "loading", "rest", "total"], body) + "\n")


def fig67(md, S, storage, sweep_plain, sweep):
    """Materializer x budget: storage kept (fig 6) and run time (fig 7)."""
    pcts = sorted(set(int(t.rsplit("_", 1)[1]) for t in S if t.startswith("mat_")))
    mats = [("storage_aware", "SA"), ("heuristic", "HM"), ("helix", "HL")]
    if not any(("mat_%s_%d" % (m, q)) in S for m, _ in mats for q in pcts):
        return
    md.append("### Figs. 6-7: materializer x budget\n")
    md.append("W1-W8 with reuse `optimal`; budget = a percentage of the logical size of every artifact "
              "(measured with materializer `all`). The paper's budgets 8/16/32/64 GB are 6/12/25/49% of its 130 GB.\n")
    body6, body7 = [], []
    for m, short in mats:
        r6, r7 = [short], [short]
        for q in pcts:
            t = "mat_%s_%d" % (m, q)
            st = storage.get(t)
            r6.append("%s / %s MB (%s)" % (mb(st[1]), mb(st[0]), st[2]) if st else "-")
            r7.append("%.1f (%.2fx)" % (total(S[t]), total(sweep_plain) / total(S[t])) if t in S else "-")
        body6.append(r6)
        body7.append(r7)
    hdr = ["materializer"] + ["%d%%" % q for q in pcts]
    md.append("Fig. 6, logical / stored MB (artifacts kept):\n")
    md.append(table(hdr, body6))
    a = S.get("all_" + sweep)
    if a:
        md.append("\nFig. 7, cumulative seconds (speedup over plain SQL's %.1f s; `all` with no budget: %.1f s, %.2fx):\n"
                  % (total(sweep_plain), total(a), total(sweep_plain) / total(a)))
    md.append(table(hdr, body7))
    md.append("\nPaper, cumulative s at 8/16/32/64 GB: " +
              "; ".join("%s %s" % (k, "/".join(str(x) for x in v)) for k, v in PAPER_MAT.items()) + ".\n")

    def draw6(ax):
        for m, short in mats:
            ys = [float(storage["mat_%s_%d" % (m, q)][1]) / 1e6 if "mat_%s_%d" % (m, q) in storage else None for q in pcts]
            ax.plot(pcts, ys, marker="o", label=short + " (logical kept)")
        ax.set_xlabel("budget, % of all artifacts")
        ax.set_ylabel("MB")
        ax.set_title("Fig. 6: logical size of the stored artifacts")
        ax.legend(fontsize=8)

    def draw7(ax):
        for m, short in mats:
            ax.plot(pcts, [total(S["mat_%s_%d" % (m, q)]) if "mat_%s_%d" % (m, q) in S else None for q in pcts],
                    marker="o", label=short)
        ax.axhline(total(sweep_plain), color="grey", linestyle="--", label="plain SQL")
        ax.set_xlabel("budget, % of all artifacts")
        ax.set_ylabel("cumulative seconds, W1-W8")
        ax.set_title("Fig. 7: run time by materializer and budget")
        ax.legend(fontsize=8)
    md.append("![fig 6](%s)\n![fig 7](%s)\n" % (plot("fig6_storage", draw6), plot("fig7_materializer", draw7)))


def fig9(md, S, sweep_plain):
    """Reuse modes with storage_aware at 10%."""
    modes = ["all_compute", "all_load", "helix", "linear", "optimal"]
    tags = {r: "reuse_" + r for r in modes}
    if not any(tags[r] in S for r in modes):
        return
    body = [[r, "%.1f" % total(S[tags[r]]), "%.2fx" % (total(S[tags["all_compute"]]) / total(S[tags[r]]))
             if tags["all_compute"] in S else "-", PAPER_REUSE.get(r, "-")] for r in modes if tags[r] in S]
    md.append("### Fig. 9: reuse modes (storage_aware, 10%)\n")
    md.append(table(["reuse", "cumulative s", "speedup over all_compute", "paper s (SA, 16 GB)"], body))
    md.append("\nPlain SQL: %.1f s.\n" % total(sweep_plain))

    def draw(ax):
        have = [r for r in modes if tags[r] in S]
        ax.bar(have, [total(S[tags[r]]) for r in have])
        ax.axhline(total(sweep_plain), color="grey", linestyle="--", label="plain SQL")
        ax.set_ylabel("cumulative seconds, W1-W8")
        ax.set_title("Fig. 9: reuse modes")
        ax.legend()
    md.append("![fig 9](%s)\n" % plot("fig9_reuse", draw))


def fig10(md):
    """OpenML-like pipelines: time and accuracy, warm start off and on."""
    runs = {}
    for mode in ("plain", "eg", "eg-warm"):
        for r in rows("openml_%s.tsv" % mode):
            if len(r) >= 4 and r[1].isdigit():
                runs.setdefault(mode, []).append((int(r[1]), float(r[2]), float(r[3])))
    if not runs:
        return
    body = []
    for mode, rs in runs.items():
        body.append([mode, len(rs), "%.1f" % sum(s for _, s, _ in rs), "%.4f" % statistics.mean(a for _, _, a in rs)])
    md.append("### Fig. 10: warm start (OpenML-like pipelines)\n")
    md.append(table(["mode", "runs", "total s", "mean accuracy"], body))
    md.append("\nPaper: without warm start CO ~ OML; with it 825.9 s -> 274.6 s (3x) and mean accuracy +0.014.\n")

    def draw(ax):
        for mode, rs in runs.items():
            acc, c = [], 0.0
            for _, s, _ in sorted(rs):
                c += s
                acc.append(c)
            ax.plot(range(1, len(acc) + 1), acc, label=mode)
        ax.set_xlabel("workload")
        ax.set_ylabel("cumulative seconds")
        ax.set_title("Fig. 10: OpenML-like pipelines, warm start")
        ax.legend()
    md.append("![fig 10](%s)\n" % plot("fig10_warmstart", draw))


def auc_check(md):
    """Every model's AUC through eg against plain SQL's in the same database;
    the number that differ."""
    rs = rows("auc.tsv")
    plain = dict(((db, w, name), auc) for tag, db, w, name, auc in rs if tag.startswith("plain"))
    bad, n = [], 0
    for tag, db, w, name, auc in rs:
        ref = plain.get((db, w, name))
        if tag.startswith("plain") or ref is None:
            continue
        n += 1
        if ref != auc:
            bad.append("%s %s %s: %s vs plain %s" % (tag, w, name, auc, ref))
    md.append("### Results\n")
    md.append("%d AUCs of eg runs compared with plain SQL's: %d differ.%s\n"
              % (n, len(bad), "".join("\n- " + b for b in bad[:20])))
    return len(bad)


def main():
    params = dict((r[0], r[1]) for r in rows("params.tsv"))
    S = seqs()
    storage = dict((r[0], r[1:]) for r in rows("storage.tsv"))
    sweep = params.get("sweep_db", "hc")
    sweep_plain = S.get("plain" if sweep == "hc" else "plain_" + sweep, {})
    md = []
    pg = subprocess.run(["psql", "-XAtc", "SELECT version()"], capture_output=True, text=True).stdout.strip()
    if not pg:  # no server to ask (a report made afterwards): the installed one
        pg = subprocess.run([os.environ.get("PG_CONFIG", "pg_config"), "--version"],
                            capture_output=True, text=True).stdout.strip()
    md.append("%s, `bench/run paper%s`, %s; %s; Home Credit at %s applications (figs 6-7 and 9: %s); "
              "budget B = %s (10%% of all artifacts' logical size).\n"
              % (datetime.date.today().isoformat(), " --quick" if LABEL == "quick" else "", "%d cores" % os.cpu_count(), pg.split(" on ")[0], params.get("scale"),
                 params.get("sweep_scale"), params.get("budget10")))
    missing = [t for t in ("plain", "all_hc", "eg", "helix", "paper") if t not in S]
    missing += ["fig 4 " + w for w in ("W1", "W2", "W3") if w not in [r[0] for r in rows("repeat.tsv")]]
    if missing:
        md.append("**Partial run** (bench/paper/run with EG_PAPER_RESUME=1 completes it); not run yet: %s; "
                  "figures 6-7, 9 and 10 show only the configurations that were run.\n" % ", ".join(missing))
    rep = fig4(md, S)
    seq = fig5(md, S)
    fig67(md, S, storage, sweep_plain, sweep)
    fig9(md, S, sweep_plain)
    fig10(md)
    bad = auc_check(md)
    text = "\n".join(md)
    with open(LAST_MD, "w") as f:
        f.write("# bench/run paper (%s)\n\n" % LABEL + text)
    begin, end = "<!-- paper-%s:begin -->" % LABEL, "<!-- paper-%s:end -->" % LABEL
    old = open(RESULTS_MD).read() if os.path.exists(RESULTS_MD) else ""
    section = "%s\n## Paper, %s run (`bench/run paper%s`)\n\n%s\n%s" % (
        begin, LABEL, " --quick" if LABEL == "quick" else "", text.replace("](../", "]("), end)
    if begin in old and end in old:
        new = old[:old.index(begin)] + section + old[old.index(end) + len(end):]
    else:
        new = old.rstrip("\n") + "\n\n" + section + "\n"
    with open(RESULTS_MD, "w") as f:
        f.write(new)
    fl = floor(S)
    line = "repeated: %s, sequence: %s (floor %s)" % ("%.1fx" % rep if rep else "n/a",
                                                    "%.0f%%" % (100 * seq) if seq else "n/a",
                                                    "%.0f%%" % (100 * fl) if fl else "n/a")
    with open(os.path.join(OUT, "summary.txt"), "w") as f:
        f.write("%d AUC mismatches\n%s\n" % (bad, line))
    if bad:
        print("report: %d AUCs differ from plain SQL's (see %s)" % (bad, LAST_MD), file=sys.stderr)


main()
