#!/usr/bin/env python3
"""Dev-only helper for scripts/bench: cross-checks a Tandem run with HiGHS and scipy, and
writes the benchmark report. Tandem itself never uses Python.

  bench_crosscheck.py crosscheck RUN_DIR [--highs-time-limit S] [--dense-limit-gib G]
      Re-solves RUN_DIR/out/model-*.lp with HiGHS (one child process per model) and times a
      one-to-one assignment on the pair scores of model-total-score.lp with scipy.
      Writes RUN_DIR/crosscheck.json.
  bench_crosscheck.py highs MODEL.lp --time-limit S
      Solves one model with HiGHS and prints the result as JSON (used by crosscheck).
  bench_crosscheck.py report --data DIR --sizes 1000,10000 --out reports/benchmarks [...]
      Reads DIR/runs/nSIZE/ (written by scripts/bench) and writes benchmark.md and benchmark.csv.
      --pruning SIZE:K:DEFAULT:LARGER,... adds the pruning loss: DIR/runs/DEFAULT (the default
      candidates_per_person) against DIR/runs/LARGER (candidates_per_person = K), same export.

A run folder RUN_DIR holds: out/ (tandem's --out folder), time.txt (/usr/bin/time -v),
result.env (exit_code, timeout_seconds, or skipped), stderr.txt, crosscheck.json.
"""
import argparse
import csv
import ctypes
import ctypes.util
import glob
import json
import math
import os
import re
import subprocess
import sys
import time
from datetime import datetime, timezone

# ---------------------------------------------------------------------------------------------
# Reading Tandem's outputs

def markdown_tables(path):
    """Every Markdown table in a file, in order, as (header, rows) with cells stripped."""
    tables, header, rows = [], None, []
    try:
        lines = open(path, encoding="utf-8-sig").read().splitlines()
    except OSError:
        return []
    for line in lines + [""]:
        s = line.strip()
        if s.startswith("|") and s.endswith("|"):
            cells = [c.strip() for c in s[1:-1].split("|")]
            if header is None:
                header = [c.lower() for c in cells]
            elif all(re.fullmatch(r":?-+:?", c) for c in cells if c):
                continue
            else:
                rows.append(cells)
        elif header is not None:
            tables.append((header, rows))
            header, rows = None, []
    return tables


def number(text):
    """A number from a table cell ('1,234.5', '0%', '12.3 s'), or None."""
    if text is None:
        return None
    m = re.search(r"-?\d[\d,]*(?:\.\d+)?(?:[eE][-+]?\d+)?", text)
    if not m:
        return None
    try:
        return float(m.group(0).replace(",", ""))
    except ValueError:
        return None


def read_timings(out_dir):
    """timings.md: the run's stages (a `| stage | seconds |` table, in order, whatever the names)
    and the seconds of each solver stage (any other table with 'stage' and 'seconds' columns)."""
    stages, solver = [], {}
    for header, rows in markdown_tables(os.path.join(out_dir, "timings.md")):
        if "stage" not in header or "seconds" not in header:
            continue
        si, ti = header.index("stage"), header.index("seconds")
        if header == ["stage", "seconds"] and not stages:
            stages = [(r[si], number(r[ti])) for r in rows if len(r) > ti]
        else:
            for r in rows:
                if len(r) > max(si, ti):
                    solver[r[si]] = number(r[ti])
    return stages, solver


def read_summary(out_dir):
    """The counts and the solver-stage table from summary.md."""
    path = os.path.join(out_dir, "summary.md")
    info = {"solver_stages": []}
    try:
        text = open(path, encoding="utf-8-sig").read()
    except OSError:
        return info
    patterns = {
        "responses": r"([\d,]+) responses",
        "usable_applicants": r"responses, ([\d,]+) applicants",
        "rows_rejected": r"([\d,]+) rows? could not be used",
        "pairs_made": r"\*\*([\d,]+) new pairs?\*\*",
        "candidates_allowed": r"([\d,]+) allowed by the rules",
        "candidates_kept": r"([\d,]+) kept for the solver",
        "not_paired": r"([\d,]+) usable applicants? not paired",
        "candidates_per_person": r"kept for the solver \(each person's best ([\d,]+)\)",
    }
    for key, pattern in patterns.items():
        m = re.search(pattern, text)
        info[key] = int(m.group(1).replace(",", "")) if m else None
    m = re.search(r"not paired this month — ([\d,]+) of them past", text)
    info["not_paired_overdue"] = int(m.group(1).replace(",", "")) if m else (0 if info["not_paired"] is not None else None)
    info["overdue_restore_too_large"] = "restoring all their allowed pairs was too large" in text
    # The pairing is solved again when the scheduler rules pairs out; the summary says so only then.
    m = re.search(r"pairing was solved ([\d,]+) times", text)
    info["rounds"] = int(m.group(1).replace(",", "")) if m else 1
    for header, rows in markdown_tables(path):
        if {"stage", "status", "objective"} <= set(header):
            for r in rows:
                cell = lambda name: r[header.index(name)] if name in header and header.index(name) < len(r) else ""
                info["solver_stages"].append({k: cell(k) for k in ("stage", "status", "objective", "gap", "solves")})
            break
    return info


def read_time_v(path):
    """Wall seconds and peak RSS (KiB) from /usr/bin/time -v output."""
    wall = rss = None
    try:
        for line in open(path, encoding="utf-8", errors="replace"):
            line = line.strip()
            if line.startswith("Elapsed (wall clock) time"):
                parts = line.rsplit(": ", 1)[-1].split(":")
                try:
                    wall = sum(float(p) * 60 ** i for i, p in enumerate(reversed(parts)))
                except ValueError:
                    pass
            elif line.startswith("Maximum resident set size"):
                rss = int(line.rsplit(":", 1)[-1])
    except OSError:
        pass
    return wall, rss


def read_env(path):
    values = {}
    try:
        for line in open(path, encoding="utf-8"):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                values[k] = v
    except OSError:
        pass
    return values


def glpk_solution(path):
    """Status and objective from GLPK's glp_print_mip / glp_print_sol output."""
    status = objective = None
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for _ in range(30):
                line = f.readline()
                if not line:
                    break
                if line.startswith("Status:"):
                    status = line.split(":", 1)[1].strip()
                m = re.match(r"Objective:\s+(?:\S+\s*=\s*)?(-?[\d.]+(?:[eE][-+]?\d+)?)", line)
                if m:
                    objective = float(m.group(1))
    except OSError:
        return None
    return {"status": status, "objective": objective}


# ---------------------------------------------------------------------------------------------
# HiGHS

def highs_one(model, time_limit):
    import highspy
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", float(time_limit))
    t0 = time.perf_counter()
    read = h.readModel(model)
    t1 = time.perf_counter()
    result = {"read_seconds": t1 - t0}
    if read != highspy.HighsStatus.kOk:
        result.update(status=f"could not read the model ({read})", objective=None, seconds=None)
        return result
    lp = h.getLp()
    result["rows"], result["columns"] = lp.num_row_, lp.num_col_
    h.run()
    result["seconds"] = time.perf_counter() - t1
    info = h.getInfo()
    result["status"] = h.modelStatusToString(h.getModelStatus())
    feasible = info.primal_solution_status == 2  # kSolutionStatusFeasible
    result["objective"] = info.objective_function_value if feasible else None
    result["mip_gap"] = info.mip_gap if feasible and math.isfinite(info.mip_gap) else None
    return result


def highs_in_child(model, time_limit):
    """One model in a child process, so that a crash or a hang is reported, not fatal."""
    cmd = [sys.executable, os.path.abspath(__file__), "highs", model, "--time-limit", str(time_limit)]
    outer = time_limit + 600  # reading a very large LP file is outside HiGHS's own limit
    t0 = time.perf_counter()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=outer)
    except subprocess.TimeoutExpired:
        return {"status": f"killed after {outer} s", "objective": None, "seconds": time.perf_counter() - t0}
    if p.returncode != 0:
        last = (p.stderr.strip().splitlines() or ["no message"])[-1]
        return {"status": f"HiGHS failed (exit {p.returncode}): {last}", "objective": None,
                "seconds": time.perf_counter() - t0}
    # HiGHS 1.16 prints its banner on standard output whatever output_flag says: the result is the last line.
    lines = p.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {"status": "HiGHS printed no result", "objective": None, "seconds": None}


def equal(a, b):
    return abs(a - b) <= 1e-6 * max(1.0, abs(a))


# ---------------------------------------------------------------------------------------------
# scipy: a one-to-one assignment on the pair scores

TERM = re.compile(r"([-+])\s*(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)?\s*(x\([^()\s]*\))")


def pair_scores(lp_path):
    """Objective coefficients of the x(SENIOR,JUNIOR) columns of a CPLEX LP file, plus every
    x column listed without one (score 0: GLPK leaves zero coefficients out of the objective)."""
    scores, section = {}, None
    with open(lp_path, encoding="utf-8", errors="replace") as f:
        objective = []
        for line in f:
            s = line.strip()
            low = s.lower()
            if low in ("maximize", "maximise", "maximum", "max", "minimize", "minimise", "minimum", "min"):
                section = "objective"
                continue
            if low in ("subject to", "such that", "st", "s.t."):
                section = "constraints"
                continue
            if low in ("bounds", "bound"):
                section = "bounds"
                continue
            if low in ("generals", "general", "gen", "binaries", "binary", "bin", "integers"):
                section = "integers"
                continue
            if low == "end":
                break
            if section == "objective":
                objective.append(s)
            elif section == "integers" and s.startswith("x("):
                for name in s.split():
                    scores.setdefault(name, 0.0)
        text = " ".join(objective)
        text = re.sub(r"^\s*[^\s:]+:\s*", "", text)  # the objective's own name, "obj:"
        for sign, coef, name in TERM.findall(text if text.lstrip()[:1] in "+-" else "+ " + text):
            value = float(coef) if coef else 1.0
            scores[name] = value if sign == "+" else -value
    pairs = {}
    for name, score in scores.items():
        inner = name[2:-1]
        if "," not in inner:
            continue
        senior, junior = inner.split(",", 1)
        pairs[(senior, junior)] = score
    return pairs


def assignment(lp_path, dense_limit_gib):
    import numpy as np
    import scipy
    from scipy.optimize import linear_sum_assignment
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_bipartite_matching, min_weight_full_bipartite_matching

    t0 = time.perf_counter()
    pairs = pair_scores(lp_path)
    parse = time.perf_counter() - t0
    if not pairs:
        return {"status": "skipped: no x(SENIOR,JUNIOR) columns in model-total-score.lp"}
    juniors = sorted({j for _, j in pairs})
    seniors = sorted({s for s, _ in pairs})
    ji = {p: i for i, p in enumerate(juniors)}
    si = {p: i for i, p in enumerate(seniors)}
    rows = np.fromiter((ji[j] for _, j in pairs), dtype=np.int64, count=len(pairs))
    cols = np.fromiter((si[s] for s, _ in pairs), dtype=np.int64, count=len(pairs))
    vals = np.fromiter(pairs.values(), dtype=np.float64, count=len(pairs))
    result = {"juniors": len(juniors), "seniors": len(seniors), "pairs_allowed": len(pairs),
              "parse_seconds": parse, "scipy": scipy.__version__}
    dense_bytes = len(juniors) * len(seniors) * 8
    result["dense_gib"] = dense_bytes / 2**30
    if dense_bytes <= dense_limit_gib * 2**30:
        forbidden = -(float(np.abs(vals).sum()) + 1.0) * 1000.0  # worse than any set of allowed pairs
        matrix = np.full((len(juniors), len(seniors)), forbidden)
        matrix[rows, cols] = vals
        t0 = time.perf_counter()
        r, c = linear_sum_assignment(matrix, maximize=True)
        result["seconds"] = time.perf_counter() - t0
        chosen = matrix[r, c]
        allowed = chosen > forbidden / 2
        result.update(method="linear_sum_assignment (dense)", status="solved",
                      pairs=int(allowed.sum()), objective=float(chosen[allowed].sum()))
        return result
    result["method"] = "min_weight_full_bipartite_matching (sparse)"
    reason = (f"skipped: the dense {len(juniors):,} × {len(seniors):,} matrix would need "
              f"{dense_bytes / 2**30:.1f} GiB (limit {dense_limit_gib:g} GiB)")
    graph = csr_matrix((np.ones(len(vals)), (rows, cols)), shape=(len(juniors), len(seniors)))
    smaller = min(graph.shape)
    matched = int((maximum_bipartite_matching(graph, perm_type="column") >= 0).sum())
    if matched < smaller:
        result["status"] = (f"{reason}; sparse matching skipped too: it needs every one of the "
                            f"{smaller:,} on the smaller side matched, and at most {matched:,} can be")
        return result
    # Every full matching has the same size, so any positive shift of the scores keeps the optimum,
    # and keeps zero scores as edges (the sparse solver ignores explicit zeros).
    shift = 1.0 - float(vals.min()) if vals.min() <= 0 else 0.0
    weights = csr_matrix((vals + shift, (rows, cols)), shape=graph.shape)
    t0 = time.perf_counter()
    r, c = min_weight_full_bipartite_matching(weights, maximize=True)
    result["seconds"] = time.perf_counter() - t0
    result.update(status=f"solved sparse ({reason.removeprefix('skipped: ')})",
                  pairs=len(r), objective=float(np.asarray(weights[r, c]).sum()) - shift * len(r))
    return result


def crosscheck(run_dir, highs_limit, dense_limit_gib):
    out = os.path.join(run_dir, "out")
    models = sorted(glob.glob(os.path.join(out, "model-*.lp")))
    report = {"highs_time_limit": highs_limit, "models": [], "assignment": None}
    try:
        import highspy  # noqa: F401
        from importlib.metadata import version
        report["highs"] = version("highspy")
    except Exception as error:  # reported, not fatal
        report["highs"] = f"unavailable: {error}"
    for model in models:
        stage = os.path.basename(model)[len("model-"):-len(".lp")]
        print(f"  HiGHS: {os.path.basename(model)} …", flush=True)
        highs = highs_in_child(model, highs_limit)
        row = {"model": os.path.basename(model), "stage": stage, "highs": highs,
               "glpk": glpk_solution(os.path.join(out, f"solution-{stage}.txt"))}
        g, o = row["glpk"], highs.get("objective")
        row["equal"] = None if g is None or g["objective"] is None or o is None else equal(g["objective"], o)
        print(f"    {highs.get('status')}, objective {o}; Tandem: {g and g['objective']}; "
              f"equal: {row['equal']}", flush=True)
        report["models"].append(row)
    # The full role model ("either" roles free) of each stage, with the earlier stages held at Tandem's
    # values: HiGHS's optimum must be Tandem's value, and the floor one score higher must be infeasible.
    stages = {st["stage"]: st for st in read_summary(out)["solver_stages"]}
    report["role_models"] = []
    for model in sorted(glob.glob(os.path.join(out, "role-model-*.lp"))):
        name = os.path.basename(model)[len("role-model-"):-len(".lp")]
        print(f"  HiGHS: {os.path.basename(model)} …", flush=True)
        highs = highs_in_child(model, highs_limit)
        stage = stages.get(name.replace("-above", ""), {})
        if name == "minimum-score-above":
            expected, agrees = "infeasible", highs.get("status") == "Infeasible"
        else:
            try:
                value = float((stage.get("objective") or "").replace(",", ""))
                expected = value * 100 if name == "total-score" else value
            except ValueError:
                expected = None
            o = highs.get("objective")
            agrees = None if expected is None or o is None else abs(o - expected) <= max(0.5, 1e-6 * abs(expected))
        row = {"model": os.path.basename(model), "stage": name, "highs": highs, "tandem": expected,
               "tandem_status": stage.get("status"), "agrees": agrees}
        print(f"    {highs.get('status')}, objective {highs.get('objective')}; Tandem: {expected}; agrees: {agrees}", flush=True)
        report["role_models"].append(row)
    total = os.path.join(out, "model-total-score.lp")
    if os.path.exists(total):
        print("  scipy: one-to-one assignment on the pair scores …", flush=True)
        try:
            report["assignment"] = assignment(total, dense_limit_gib)
        except MemoryError:
            report["assignment"] = {"status": "failed: out of memory"}
        except Exception as error:
            report["assignment"] = {"status": f"failed: {type(error).__name__}: {error}"}
        print(f"    {report['assignment'].get('status')}", flush=True)
    with open(os.path.join(run_dir, "crosscheck.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)


# ---------------------------------------------------------------------------------------------
# Report

def command_output(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def glpk_version():
    name = ctypes.util.find_library("glpk")
    for candidate in [name, "libglpk.so", "libglpk.so.40"]:
        if not candidate:
            continue
        try:
            lib = ctypes.CDLL(candidate)
            lib.glp_version.restype = ctypes.c_char_p
            return lib.glp_version().decode()
        except (OSError, AttributeError):
            continue
    return command_output(["dpkg-query", "-W", "-f=${Version}", "libglpk-dev"]) or "unknown"


def machine(args):
    mem_kib = None
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal:"):
            mem_kib = int(line.split()[1])
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = command_output(["git", "rev-parse", "--short=12", "HEAD"]) or "unknown"
    dirty = command_output(["git", "status", "--porcelain", "--", "Sources", "Package.swift"])
    swift = (command_output(["swift", "--version"]).splitlines() or ["unknown"])[0]
    import numpy
    import scipy
    from importlib.metadata import version
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": command_output(["nproc"]) or str(os.cpu_count()),
        "memory_gib": f"{mem_kib / 2**20:.1f}" if mem_kib else "unknown",
        "mem_total_kib": mem_kib,
        "cpu": cpu,
        "commit": commit + (" (with uncommitted changes in Sources/ or Package.swift)" if dirty else ""),
        "swift": swift,
        "glpk": glpk_version(),
        "highs": version("highspy"),
        "scipy": scipy.__version__,
        "numpy": numpy.__version__,
        "python": sys.version.split()[0],
        "generator": args.generator_note,
        "seed": args.seed,
        "month": args.month,
        "run_timeout": args.run_timeout,
    }


def fmt_int(v):
    return "—" if v is None else f"{int(v):,}"


def fmt_s(v):
    if v is None:
        return "—"
    return f"{v:,.3f}" if v < 10 else f"{v:,.1f}" if v < 1000 else f"{v:,.0f}"


def fmt_obj(v):
    if v is None:
        return "—"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.6g}"


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def size_data(data_dir, size, folder=None):
    run_dir = os.path.join(data_dir, "runs", folder or f"n{size}")
    out = os.path.join(run_dir, "out")
    env = read_env(os.path.join(run_dir, "result.env"))
    d = {"size": size, "env": env}
    if "skipped" in env:
        d["outcome"] = env["skipped"]
        return d
    if not env:
        d["outcome"] = "not run"
        return d
    d["wall"], d["rss_kib"] = read_time_v(os.path.join(run_dir, "time.txt"))
    code = int(env.get("exit_code", "-1"))
    limit = env.get("timeout_seconds", "?")
    if code in (124, 137) and env.get("timed_out") != "no":
        d["outcome"] = f"timed out (limit {limit} s)"
    elif code == 0:
        d["outcome"] = "finished"
    else:
        last = ""
        try:
            lines = [l.strip() for l in open(os.path.join(run_dir, "stderr.txt"), errors="replace") if l.strip()]
            last = lines[-1] if lines else ""
        except OSError:
            pass
        last = last.replace(os.getcwd() + "/", "")
        d["outcome"] = f"failed (exit {code})" + (f": {last[:160]}" if last else "")
    d["summary"] = read_summary(out)
    d["stages"], d["solver_seconds"] = read_timings(out)
    try:
        d["crosscheck"] = json.load(open(os.path.join(run_dir, "crosscheck.json"), encoding="utf-8"))
    except (OSError, ValueError):
        d["crosscheck"] = None
    return d


def report(args):
    sizes = [int(s) for s in args.sizes.split(",") if s]
    m = machine(args)
    runs = [size_data(args.data, n) for n in sizes]
    # The limits the runs were made with (earlier runs may be reused with other limits).
    run_limits = sorted({int(d["env"]["timeout_seconds"]) for d in runs if d["env"].get("timeout_seconds", "").isdigit()})
    highs_limits = sorted({float(d["crosscheck"]["highs_time_limit"]) for d in runs if d.get("crosscheck")})
    if run_limits:
        m["run_timeout"] = " / ".join(f"{v:,}" for v in run_limits)
    highs_limit = " / ".join(f"{v:g}" for v in highs_limits) if highs_limits else str(args.highs_time_limit)
    rows = []  # the CSV, in long form: applicants, section, item, measure, value

    def add(size, section, item, measure, value):
        if value is not None:
            rows.append([m["date"], m["commit"].split()[0], size, section, item, measure, value])

    for key in ("commit", "cores", "mem_total_kib", "cpu", "swift", "glpk", "highs", "scipy", "numpy", "seed", "month", "run_timeout"):
        add("", "machine", "", key, m[key])
    md = []
    w = md.append
    w("# Tandem benchmark\n")
    w("This page measures how long Tandem's monthly job (`tandem run`) takes, and how much memory it needs, "
      "on made-up form exports of different sizes. It also checks the pairing solver's answers with a second, "
      "independent solver (HiGHS), and times a much simpler pairing method (scipy) as a point of comparison.\n")
    w("To measure again, run `scripts/bench` from the repository folder (`scripts/bench --sizes 1000,10000` "
      "for fewer sizes). It installs what it needs, builds Tandem, and rewrites this page and "
      "`benchmark.csv` (the same numbers, one per line, for a spreadsheet). It takes a while: each Tandem run "
      "may take up to its time limit (one hour unless `--run-timeout` says otherwise), then HiGHS up to five "
      "minutes per model.\n")
    w("Each size is one `tandem run EXPORT --month " + m["month"] + "` with a fresh ledger, on a Google Forms "
      f"export made by `gen-applications --n SIZE --seed {m['seed']} --flavour google-csv` "
      "(the same file every time for the same size and generator). Times are wall-clock seconds.\n")
    w("## Machine and software\n")
    w("| | |\n|---|---|")
    for label, value in [("date", m["date"]), ("processor cores (nproc)", m["cores"]),
                         ("memory (MemTotal)", f"{m['memory_gib']} GiB"), ("processor", m["cpu"] or "unknown"),
                         ("Tandem commit", m["commit"]), ("Swift", m["swift"]), ("GLPK", m["glpk"]),
                         ("HiGHS (cross-check)", m["highs"]), ("scipy / numpy", f"{m['scipy']} / {m['numpy']}"),
                         ("test data", m["generator"]), ("time limit per run", f"{m['run_timeout']} s"),
                         ("HiGHS time limit per model", f"{highs_limit} s")]:
        w(f"| {label} | {cell(value)} |")
    w("")

    w("## Results by size\n")
    w("| applicants | responses | usable applicants | pairs made | candidate pairs kept | outcome | total time | peak memory |")
    w("|---:|---:|---:|---:|---:|---|---:|---:|")
    for d in runs:
        s = d.get("summary") or {}
        wall = d.get("wall")
        rss = d.get("rss_kib")
        w(f"| {d['size']:,} | {fmt_int(s.get('responses'))} | {fmt_int(s.get('usable_applicants'))} | "
          f"{fmt_int(s.get('pairs_made'))} | {fmt_int(s.get('candidates_kept'))} | {cell(d['outcome'])} | "
          f"{fmt_s(wall) + ' s' if wall is not None else '—'} | "
          f"{f'{rss / 1024:,.0f} MiB' if rss is not None else '—'} |")
        add(d["size"], "run", "", "outcome", d["outcome"])
        for key in ("responses", "usable_applicants", "rows_rejected", "pairs_made", "candidates_allowed",
                    "candidates_kept", "not_paired"):
            add(d["size"], "run", "", key, s.get(key))
        add(d["size"], "run", "", "wall_seconds", None if wall is None else round(wall, 3))
        add(d["size"], "run", "", "peak_rss_mib", None if rss is None else round(rss / 1024, 1))
    w("")
    w("*Applicants* is the number generated; *responses* counts the rows in the export (some people answer twice); "
      "*usable applicants* excludes duplicates and rows with errors. *Candidate pairs kept* are the allowed pairs "
      "given to the solver. *Peak memory* is the largest resident set size (`/usr/bin/time -v`).\n")

    stage_names = []
    for d in runs:
        for name, _ in d.get("stages") or []:
            if name not in stage_names:
                stage_names.append(name)
    w("## Time per stage (seconds)\n")
    if stage_names:
        w("| stage | " + " | ".join(f"{d['size']:,}" for d in runs) + " |")
        w("|---|" + "---:|" * len(runs))
        for name in stage_names:
            vals = [dict(d.get("stages") or []).get(name) for d in runs]
            w(f"| {cell(name)} | " + " | ".join(fmt_s(v) for v in vals) + " |")
        w("| **total (wall clock)** | " + " | ".join(fmt_s(d.get("wall")) for d in runs) + " |")
        w("\nFrom each run's `timings.md`. The total also includes starting the program and opening the ledger.\n")
        for d in runs:
            for name, v in d.get("stages") or []:
                add(d["size"], "stage", name, "seconds", v)
    else:
        w("No run wrote `timings.md`.\n")

    w("## Pairing solver (GLPK), stage by stage\n")
    w("| applicants | stage | status | objective | gap | solves | seconds |")
    w("|---:|---|---|---:|---:|---:|---:|")
    any_solver = False
    for d in runs:
        for st in (d.get("summary") or {}).get("solver_stages", []):
            any_solver = True
            secs = (d.get("solver_seconds") or {}).get(st["stage"])
            w(f"| {d['size']:,} | {cell(st['stage'])} | {cell(st['status'])} | {cell(st['objective'])} | "
              f"{cell(st['gap'])} | {cell(st['solves'])} | {fmt_s(secs)} |")
            for key in ("status", "objective", "gap", "solves"):
                add(d["size"], "solver_stage", st["stage"], key, st[key])
            add(d["size"], "solver_stage", st["stage"], "seconds", secs)
    if not any_solver:
        w("| — | no run wrote a solver table | | | | | |")
    w("\nFrom each run's `summary.md` (objectives as the summary shows them) and `timings.md` (seconds).\n")

    w("## The full role model, solved by HiGHS\n")
    w("With `--models always` Tandem also writes, for each stage, the full pairing model with \"either\" roles free "
      "(`role-model-STAGE.lp`: every pair and role a 0–1 variable) with the earlier stages held at the values Tandem "
      "found, and the weakest-pair floor one score higher (`role-model-minimum-score-above.lp`). HiGHS solves each as "
      "an integer program: where Tandem says a stage is optimal, HiGHS's optimum must be Tandem's value, and the "
      "floor one score higher must be infeasible. Values in the model's units (scores in hundredths of a point).\n")
    w("| applicants | model | Tandem's value | Tandem's status | HiGHS status | HiGHS objective | agree? | HiGHS seconds |")
    w("|---:|---|---:|---|---|---:|---|---:|")
    any_role = False
    for d in runs:
        cc = d.get("crosscheck")
        for row in (cc or {}).get("role_models", []):
            any_role = True
            h = row["highs"]
            # HiGHS doing better is wrong only where Tandem says the stage is optimal.
            claimed = (row.get("tandem_status") or "").startswith("optimal")
            agree = "—" if row["agrees"] is None else "yes" if row["agrees"] else "**NO**" if claimed else "no (Tandem did not prove it)"
            tandem = row["tandem"] if isinstance(row["tandem"], str) else fmt_obj(row["tandem"])
            w(f"| {d['size']:,} | {cell(row['model'])} | {cell(tandem)} | {cell(row.get('tandem_status'))} | "
              f"{cell(h.get('status'))} | {fmt_obj(h.get('objective'))} | {agree} | {fmt_s(h.get('seconds'))} |")
            add(d["size"], "role_model", row["stage"], "highs_status", h.get("status"))
            add(d["size"], "role_model", row["stage"], "highs_objective", h.get("objective"))
            add(d["size"], "role_model", row["stage"], "highs_seconds", h.get("seconds"))
            add(d["size"], "role_model", row["stage"], "agrees", row["agrees"])
    if not any_role:
        w("| — | no run wrote role models | | | | | | |")
    w("")

    w("## Cross-check with HiGHS\n")
    w("With `--models always` (a run of its own; a coordinator's run writes them only for small pools), Tandem "
      "writes each pairing stage's model as `model-STAGE.lp` (the network's LP with the roles fixed, which GLPK "
      "re-solved from the network's basis), and GLPK's answer as "
      "`solution-STAGE.txt`. Each model was solved again with HiGHS, an independent solver "
      f"(time limit {highs_limit} s per model). Both objectives are in the model's own units "
      "(scores in hundredths of a point), so they can differ from the table above. *Equal* means they agree to "
      "within one part in a million. Tandem's seconds are the whole stage, including every solve in it; "
      "HiGHS's seconds are its solve, after reading the file.\n")
    w("| applicants | model | Tandem (GLPK) objective | HiGHS status | HiGHS objective | equal? | Tandem seconds | HiGHS seconds |")
    w("|---:|---|---:|---|---:|---|---:|---:|")
    any_model = False
    notes = []
    verdict = {"yes": 0, "no": 0, "other": 0}
    for d in runs:
        cc = d.get("crosscheck")
        if not cc or not cc["models"]:
            if d["outcome"] != "not run" and not d["outcome"].startswith("skipped"):
                w(f"| {d['size']:,} | no model files: {cell(d['outcome'])} | | | | | | |")
            continue
        # In the order the stages ran (the summary's table), then any others by name.
        order = [st["stage"] for st in (d.get("summary") or {}).get("solver_stages", [])]
        order += [name for name, _ in (d.get("solver_seconds") or {}).items() if name not in order]
        for row in sorted(cc["models"], key=lambda r: (order.index(r["stage"]) if r["stage"] in order else len(order), r["stage"])):
            verdict["other" if row["equal"] is None else "yes" if row["equal"] else "no"] += 1
            any_model = True
            g, h = row["glpk"], row["highs"]
            if g is None:
                tandem = "no solution file"
            elif g["objective"] is None:
                tandem = f"no objective ({g['status'] or 'unreadable'})"
            else:
                tandem = fmt_obj(g["objective"])
            if row["equal"] is None:
                eq = "—"
            else:
                eq = "yes" if row["equal"] else "**NO**"
                unproven = [name for name, proven in
                            (("HiGHS", h.get("status") == "Optimal"),
                             ("GLPK", (g.get("status") or "").upper() in ("INTEGER OPTIMAL", "OPTIMAL")))
                            if not proven]
                if unproven:
                    eq += f" ({' and '.join(unproven)} not proven optimal)"
            secs = (d.get("solver_seconds") or {}).get(row["stage"])
            w(f"| {d['size']:,} | {cell(row['model'])} | {cell(tandem)} | {cell(h.get('status'))} | "
              f"{fmt_obj(h.get('objective'))} | {eq} | {fmt_s(secs)} | {fmt_s(h.get('seconds'))} |")
            if g and g.get("status") and h.get("rows") is not None:
                sol = os.path.join(args.data, "runs", f"n{d['size']}-models", "out", f"solution-{row['stage']}.txt")
                if not os.path.exists(sol):
                    sol = os.path.join(args.data, "runs", f"n{d['size']}", "out", f"solution-{row['stage']}.txt")
                dims = glpk_dimensions(sol)
                if dims and dims != (h["rows"], h["columns"]):
                    notes.append(f"{d['size']:,} applicants, {row['model']}: HiGHS read {h['rows']:,} rows and "
                                 f"{h['columns']:,} columns, GLPK solved {dims[0]:,} and {dims[1]:,}.")
            add(d["size"], "crosscheck", row["stage"], "tandem_objective", g and g["objective"])
            add(d["size"], "crosscheck", row["stage"], "tandem_status", g and g["status"])
            add(d["size"], "crosscheck", row["stage"], "highs_status", h.get("status"))
            add(d["size"], "crosscheck", row["stage"], "highs_objective", h.get("objective"))
            add(d["size"], "crosscheck", row["stage"], "equal", None if row["equal"] is None else ("yes" if row["equal"] else "no"))
            add(d["size"], "crosscheck", row["stage"], "tandem_seconds", secs)
            add(d["size"], "crosscheck", row["stage"], "highs_seconds", None if h.get("seconds") is None else round(h["seconds"], 3))
    if not any_model:
        w("| — | no run wrote a model | | | | | | |")
    w("")
    if any_model:
        total = sum(verdict.values())
        if verdict["no"]:
            w(f"**HiGHS and GLPK disagree on {verdict['no']} of {total} models** (marked NO above).")
        elif verdict["yes"] == total:
            w(f"In short: HiGHS finds the same optimum as GLPK on all {total} models.")
        else:
            w(f"In short: HiGHS agrees with GLPK on {verdict['yes']} of {total} models; "
              f"the other {verdict['other']} could not be compared (see the table).")
        w("")
    for note in notes:
        w(f"- Model size differs: {note}")
    if notes:
        w("")

    w("## For comparison: a plain one-to-one assignment (scipy)\n")
    w("The pair scores of `model-total-score.lp`, paired with `scipy.optimize.linear_sum_assignment` "
      "(largest total score, pairing as many people as possible first). This is a simpler problem than "
      "Tandem's: each senior takes one junior, and there are no waiting-list or lowest-score stages. "
      "It shows how fast a dedicated assignment method is on the same data.\n")
    for d in runs:
        cc = d.get("crosscheck")
        a = cc and cc.get("assignment")
        if not a:
            w(f"- {d['size']:,} applicants: no `model-total-score.lp`, nothing to compare.")
            continue
        shape = f"{a['juniors']:,} juniors × {a['seniors']:,} seniors" if "juniors" in a else ""
        if a.get("seconds") is not None:
            w(f"- {d['size']:,} applicants: {a['method']} on {shape} ({a['pairs_allowed']:,} allowed pairs): "
              f"**{fmt_s(a['seconds'])} s**; {a['pairs']:,} pairs, total score {a['objective'] / 100:,.2f}"
              + (" — " + a["status"].removeprefix("solved ") if a["status"] != "solved" else "") + ".")
        else:
            w(f"- {d['size']:,} applicants{': ' + shape if shape else ''}: {a['status']}.")
        for key in ("method", "status", "juniors", "seniors", "pairs_allowed", "pairs", "objective", "seconds"):
            v = a.get(key)
            add(d["size"], "assignment", "", key, round(v, 4) if isinstance(v, float) else v)
    w("")

    pruning_section(args, w, add)

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "benchmark.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(md).rstrip() + "\n")
    with open(os.path.join(args.out, "benchmark.csv"), "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["date", "commit", "applicants", "section", "item", "measure", "value"])
        writer.writerows(rows)
    print(f"Wrote {args.out}/benchmark.md and {args.out}/benchmark.csv")


def relative_loss(default, larger):
    """(larger − default) / |larger|: the share of the larger model's objective that the default
    pruning gives up (every stage maximises). 0 when both are equal, None when undefined."""
    if default is None or larger is None:
        return None
    if default == larger:
        return 0.0
    return None if larger == 0 else (larger - default) / abs(larger)


def fmt_pct(v):
    if v is None:
        return "—"
    if v == 0:
        return "0"
    p = v * 100
    return f"{p:+.2f}%" if abs(p) >= 0.01 else f"{p:+.2g}%"


def fmt_diff(v):
    if v is None:
        return "—"
    if v == 0:
        return "0"
    return f"{v:+,.2f}".rstrip("0").rstrip(".") if not float(v).is_integer() else f"{v:+,.0f}"


def pruning_section(args, w, add):
    entries = []
    for entry in (args.pruning or "").split(","):
        if entry:
            size, k, default_folder, larger_folder = entry.split(":", 3)
            entries.append((int(size), int(k), default_folder, larger_folder))
    if not entries:
        return
    w("## Pruning loss\n")
    w("Before pairing, Tandem keeps for each person only their best-scoring partners: by default each junior's "
      "best 10 seniors and each senior's best 10 juniors per place (`candidates_per_person` in the "
      "configuration's `[matching]` section). Every other pair is left out of the pairing model. This is "
      "*pruning*: it makes the model much smaller and quicker to solve, but it could leave out a pair that the "
      "best answer needs. To see what it costs, the same export was run again with a configuration file that "
      "keeps many more partners per person (the *larger model*), and each pairing stage's result was compared.\n")
    w("Every stage maximises, so the *loss* is the larger model's objective minus the default one, and the "
      "*relative loss* is that difference as a share of the larger model's objective. **A relative loss of 0 "
      "means the pruning cost nothing at that stage.** The stages are solved in order, each keeping the earlier "
      "ones at their best; once an earlier stage differs, the later ones answer a slightly different question, "
      "so their difference can go either way. A negative loss means the pruned run did better at that stage.\n")
    for size, k, default_folder, larger_folder in entries:
        d0 = size_data(args.data, size, default_folder)
        d1 = size_data(args.data, size, larger_folder)
        s0, s1 = d0.get("summary") or {}, d1.get("summary") or {}
        k0 = s0.get("candidates_per_person")
        k0_text = f"best {k0:,}" if k0 else "default"
        w(f"### {size:,} applicants: {k0_text} (default) against best {k:,} partners per person\n")
        if d0["outcome"] != "finished" or d1["outcome"] != "finished":
            w(f"- Default run: {cell(d0['outcome'])}; larger model: {cell(d1['outcome'])}. "
              "Nothing to compare unless both finish.\n")
            add(size, "pruning", "", "default_outcome", d0["outcome"])
            add(size, "pruning", "", "larger_outcome", d1["outcome"])
            continue
        stages1 = {st["stage"]: st for st in s1.get("solver_stages", [])}
        w(f"| stage | objective, {k0_text} | objective, best {k:,} | loss | relative loss | "
          f"status, {k0_text} | status, best {k:,} |")
        w("|---|---:|---:|---:|---:|---|---|")
        names = [st["stage"] for st in s0.get("solver_stages", [])]
        names += [n for n in stages1 if n not in names]
        stages0 = {st["stage"]: st for st in s0.get("solver_stages", [])}
        for name in names:
            a, b = stages0.get(name, {}), stages1.get(name, {})
            v0, v1 = number(a.get("objective")), number(b.get("objective"))
            loss = None if v0 is None or v1 is None else round(v1 - v0, 6)
            rel = relative_loss(v0, v1)
            w(f"| {cell(name)} | {cell(a.get('objective', '—'))} | {cell(b.get('objective', '—'))} | "
              f"{fmt_diff(loss)} | {fmt_pct(rel)} | {cell(a.get('status', '—'))} | {cell(b.get('status', '—'))} |")
            add(size, "pruning", name, "default_objective", v0)
            add(size, "pruning", name, "larger_objective", v1)
            add(size, "pruning", name, "loss", loss)
            add(size, "pruning", name, "relative_loss", None if rel is None else round(rel, 8))
            for key in ("status", "gap", "solves"):
                add(size, "pruning", name, f"default_{key}", a.get(key))
                add(size, "pruning", name, f"larger_{key}", b.get(key))
        w("")
        by_rule = [any("by rule" in st.get("status", "") for st in s.get("solver_stages", [])) for s in (s0, s1)]
        if by_rule[0] != by_rule[1]:
            w("**Not method for method at this size:** the "
              + ("default run" if by_rule[0] else f"best-{k:,} run")
              + " chose the \"either\" applicants' roles by rule and the other searched them, so part of the "
              "difference comes from the method, not the pruning.\n")
        add(size, "pruning", "", "same_method", "yes" if by_rule[0] == by_rule[1] else "no")
        solve0 = dict(d0.get("stages") or []).get("solve")
        solve1 = dict(d1.get("stages") or []).get("solve")
        allowed0, allowed1 = s0.get("candidates_allowed"), s1.get("candidates_allowed")
        allowed = allowed1
        kept0, kept1 = s0.get("candidates_kept"), s1.get("candidates_kept")
        w(f"| | {k0_text} (default) | best {k:,} |")
        w("|---|---:|---:|")
        w(f"| candidate pairs allowed by the rules | {fmt_int(allowed0)} | {fmt_int(allowed1)} |")
        w(f"| candidate pairs kept for the solver | {fmt_int(kept0)} | {fmt_int(kept1)} |")
        w(f"| solve (seconds, `timings.md`) | {fmt_s(solve0)} | {fmt_s(solve1)} |")
        w(f"| whole run (seconds) | {fmt_s(d0.get('wall'))} | {fmt_s(d1.get('wall'))} |")
        rss0, rss1 = d0.get("rss_kib"), d1.get("rss_kib")
        w(f"| peak memory | {f'{rss0 / 1024:,.0f} MiB' if rss0 else '—'} | {f'{rss1 / 1024:,.0f} MiB' if rss1 else '—'} |")
        w(f"| new pairs made | {fmt_int(s0.get('pairs_made'))} | {fmt_int(s1.get('pairs_made'))} |")
        w(f"| usable applicants not paired (past the waiting target) | "
          f"{fmt_int(s0.get('not_paired'))} ({fmt_int(s0.get('not_paired_overdue'))}) | "
          f"{fmt_int(s1.get('not_paired'))} ({fmt_int(s1.get('not_paired_overdue'))}) |")
        w(f"| times the pairing was solved (rounds) | {fmt_int(s0.get('rounds'))} | {fmt_int(s1.get('rounds'))} |")
        w("")
        if allowed0 is not None and allowed1 is not None and allowed0 != allowed1:
            w("The allowed pairs differ a little because they are counted in the last round, after the pairs that "
              "the scheduler could not fit in earlier rounds were ruled out, and those depend on the pairs chosen.\n")
        for label, sx in ((f"The {k0_text} run", s0), (f"The best-{k:,} run", s1)):
            if sx.get("overdue_restore_too_large"):
                w(f"{label} left some applicants past the waiting target unpaired, and its summary says that giving "
                  "them back all their allowed pairs was too large to solve.\n")
        if allowed is not None and kept1 is not None and kept1 >= allowed:
            w("The larger model kept every allowed pair: it is the unpruned model.\n")
        else:
            note = (f"The larger model still left out {allowed - kept1:,} of the {allowed:,} allowed pairs. "
                    if allowed is not None and kept1 is not None else "")
            need = "tens of GB of memory"
            if None not in (allowed, kept0, kept1, rss0, rss1) and kept1 > kept0 and rss1 > rss0:
                per_pair = (rss1 - rss0) / (kept1 - kept0)  # KiB per extra pair kept
                whole = (rss0 + per_pair * (allowed - kept0)) / 2**20
                need = (f"roughly {whole:,.0f} GiB of memory (going by these two runs' peak memory: about "
                        f"{per_pair:,.1f} KiB more per extra pair kept)")
                add(size, "pruning", "", "unpruned_memory_estimate_gib", round(whole, 1))
            w(note + f"Keeping every allowed pair at this size would need {need}, so the comparison "
              f"is against each person's best {k:,} instead of the full model: a loss of 0 here means the "
              f"{k0_text} lose nothing against the best {k:,}, not against every pair.\n")
        add(size, "pruning", "", "larger_candidates_per_person", k)
        add(size, "pruning", "", "default_candidates_per_person", k0)
        add(size, "pruning", "", "default_candidates_allowed", allowed0)
        add(size, "pruning", "", "larger_candidates_allowed", allowed1)
        add(size, "pruning", "", "default_candidates_kept", kept0)
        add(size, "pruning", "", "larger_candidates_kept", kept1)
        add(size, "pruning", "", "default_solve_seconds", solve0)
        add(size, "pruning", "", "larger_solve_seconds", solve1)
        add(size, "pruning", "", "default_wall_seconds", None if d0.get("wall") is None else round(d0["wall"], 3))
        add(size, "pruning", "", "larger_wall_seconds", None if d1.get("wall") is None else round(d1["wall"], 3))
        add(size, "pruning", "", "default_peak_rss_mib", None if rss0 is None else round(rss0 / 1024, 1))
        add(size, "pruning", "", "larger_peak_rss_mib", None if rss1 is None else round(rss1 / 1024, 1))
        add(size, "pruning", "", "default_pairs_made", s0.get("pairs_made"))
        add(size, "pruning", "", "larger_pairs_made", s1.get("pairs_made"))
        add(size, "pruning", "", "default_not_paired", s0.get("not_paired"))
        add(size, "pruning", "", "larger_not_paired", s1.get("not_paired"))
        add(size, "pruning", "", "default_not_paired_overdue", s0.get("not_paired_overdue"))
        add(size, "pruning", "", "larger_not_paired_overdue", s1.get("not_paired_overdue"))
        add(size, "pruning", "", "default_overdue_restore_too_large", "yes" if s0.get("overdue_restore_too_large") else "no")
        add(size, "pruning", "", "larger_overdue_restore_too_large", "yes" if s1.get("overdue_restore_too_large") else "no")
        add(size, "pruning", "", "default_rounds", s0.get("rounds"))
        add(size, "pruning", "", "larger_rounds", s1.get("rounds"))
    w("The comparison is method for method. Where a stage is not proven (on pools this large the roles of "
      "\"either\" applicants, who offered to be a senior or a junior, are chosen by the network's bound and "
      "searched only where few pairs could still change the total score: see the README's known limits), "
      "neither objective is necessarily the true optimum, and the loss measures only what the pruning changes "
      "under the same method. Both runs use the same export, month, binary and a fresh "
      "ledger; the objectives are as each run's `summary.md` shows them (scores in points), from the last "
      "round when pairs the scheduler could not fit were ruled out and the pairing solved again. *Solve* is the "
      "run's whole pairing time (every round and GLPK's check), without the scoring.\n")


def glpk_dimensions(path):
    rows = cols = None
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            for _ in range(10):
                line = f.readline()
                if line.startswith("Rows:"):
                    rows = int(line.split()[1])
                elif line.startswith("Columns:"):
                    cols = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return (rows, cols) if rows is not None and cols is not None else None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("crosscheck")
    p.add_argument("run_dir")
    p.add_argument("--highs-time-limit", type=float, default=300)
    p.add_argument("--dense-limit-gib", type=float, default=6)
    p = sub.add_parser("highs")
    p.add_argument("model")
    p.add_argument("--time-limit", type=float, default=300)
    p = sub.add_parser("report")
    p.add_argument("--data", default=".bench-data")
    p.add_argument("--sizes", required=True)
    p.add_argument("--out", default="reports/benchmarks")
    p.add_argument("--seed", default="?")
    p.add_argument("--month", default="?")
    p.add_argument("--run-timeout", default="?")
    p.add_argument("--highs-time-limit", default="300")
    p.add_argument("--generator-note", default="?")
    p.add_argument("--pruning", default="", help="SIZE:K:DEFAULT_FOLDER:LARGER_FOLDER,... under DATA/runs/")
    args = parser.parse_args()
    if args.command == "crosscheck":
        crosscheck(args.run_dir, args.highs_time_limit, args.dense_limit_gib)
    elif args.command == "highs":
        print(json.dumps(highs_one(args.model, args.time_limit)))
    else:
        report(args)


if __name__ == "__main__":
    main()
