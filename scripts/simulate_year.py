#!/usr/bin/env python3
"""Dev-only helper for scripts/simulate-year: one scheme year of monthly `tandem run`s through one
ledger, the analysis of that ledger, and the report. Tandem itself never uses Python. Python 3
standard library only.

  simulate_year.py simulate --size N --seed S --data DIR --tandem BIN --generator GEN [--keep]
                            [--run-timeout S] [--reuse-runs]
      Generates the year (cached), cuts it into twelve monthly exports, runs them in order through
      one ledger from DIR/simulate/nN-seedS/run/ (the working folder, outside the checkout), and
      writes the analysis to DIR/simulate/nN-seedS/results.json.
  simulate_year.py report --data DIR --sizes 2400,24000 --seed S --out DIR --tandem BIN
                          [--generator-note TEXT] [--strict]
      Writes simulate-year.md and simulate-year.csv from the results.json of each size. With
      --strict, exits 1 when any rule check found a violation.
  simulate_year.py self-test
      Builds small ledgers by hand, one clean and one with known violations of every rule check,
      and checks that the analysis finds exactly those.

Definitions (the same text goes into the report; see DEFINITIONS below).
"""
import argparse
import calendar
import csv
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

YEAR_START = "2026-01-01"
YEAR_DAYS = 365
# The export is cut on the 1st of each of these months; the run on that day pairs for sessions
# starting the month after (what `tandem run` does by default on that day).
CUT_MONTHS = ["2026-%02d" % m for m in range(2, 13)] + ["2027-01"]
TARGET_MONTHS = 3

DEFINITIONS = """\
- **Run month.** On the 1st of each month from February 2026 to January 2027 the coordinator downloads
  the export of all responses to date (every row whose Timestamp is before that day) and runs
  `tandem run EXPORT --month NEXT`, NEXT being the following month: what `tandem run` does without
  `--month` on that day, since `--month` defaults to the month after today. So the twelve runs pair
  for sessions starting March 2026 to February 2027, and every month below is named by its session
  month M. All twelve go through one ledger, with the tool started from a folder outside the checkout.
- **Running at the start of M** (the ledger's own rule, Ledger+Runs.swift): formed in a month before M,
  not `ended`, and its last session starts on or after the 1st of M (00:00 UTC).
- **Seen by the run**: the run's `run_applicants` rows, i.e. the usable applicants it read (rejected
  rows are not there).
- **Paired this month**: in a pair formed in M (the ledger's `pairs.month_formed`).
- **Waiting**: seen by the run, not paired this month, not in a pair running at the start of M (as
  senior or junior), not withdrawn. This is computed from the ledger, not from the summary's counts.
  People whose earlier pair has completed are in it too ("had a pair before").
- **Past the target**: waiting, never in any pair before M, and their first response (the earliest
  `run_applicants.first_response` of any run up to M) was 3 months or more before the 1st of M: the
  day 3 months after the first response (the same day of the month, or the month's last day) is on or
  before the 1st of M. This is Tandem's own test for "overdue" (Pool.isOverdue).
- **No allowed partner / lost to competition / other** (of the waiting): the run's
  `run_applicants.reason`. Reasons starting "no allowed partner", or "cannot be paired" for a reason
  about the person (no consent, too little experience to be a senior), mean no partner is allowed
  at all; "allowed partners were all needed ..." means partners were allowed but went to other
  pairs. Any other reason is counted under its own text; the commonest is "cannot be paired:
  already in an active pair as a junior", which Tandem gives a junior whose pair has *completed*
  (it does not pair a junior again on the same response), so for the waiting it means "had their
  pair", not "no partner".
- **Paired within three months**: the first pair's session month starts before the day 3 months
  after the first response (a wait of exactly three months is past the target, as Tandem counts it).
  The share is over every applicant the ledger knows (not withdrawn) whose target day is on or
  before the 1st of the last run's session month, so that the answer is settled for each of them.
- **Wait**: days from the first response to the 1st of the session month of the person's first pair
  (either role), for everyone paired.
- **Never paired**: known to the ledger, not withdrawn, in no pair at all; grouped by the reason of
  the latest run that saw them.
- **Running during month M** (for the rule checks): formed in M or before, not ended before the 1st
  of M, and a scheduled (not cancelled) session starts on or after the 1st of M. The checks look at
  every month from the first run's session month to the month of the last session in the ledger.
- **Rule checks.** (a) one role at a time: nobody is a senior in one pair and a junior in another
  pair running during the same month. (b) capacity: no senior has more pairs running during a month
  than the capacity in their latest answers (`applicants.answers`, `capacity`). (c) no pair made
  twice: the same senior and junior in two months' new pairs (`pairs.csv` of each run, rows marked not scheduled left out: those pairs were not made; the ledger's
  key is unique), the same two people in swapped roles, or either after a pair of theirs ended.
  (d) no junior in two pairs running during the same month. (e) nobody has two scheduled sessions
  overlapping in time. (f) each pair has six scheduled sessions, numbered 1-6, one in each of the six
  months from the month formed (in the session's own time zone). (g) informational, not a rule of the
  scheme: sessions whose local date is a bank holiday in scripts/fixtures/england-and-wales-holidays.txt
  (an independent list, as GOV.UK published it, not Tandem's own rules).
  (h) informational: pairs whose last session falls in a different month in UTC than in the
  session's own time zone, which the ledger's UTC rule counts as over a month early (a last session
  on the 1st locally, the evening before in UTC) or a month late.
"""

# --------------------------------------------------------------------------------------------------
# Months and days

def ym_add(ym, k):
    y, m = int(ym[:4]), int(ym[5:7])
    n = y * 12 + (m - 1) + k
    return "%04d-%02d" % (n // 12, n % 12 + 1)


def ym_first(ym):
    return dt.date(int(ym[:4]), int(ym[5:7]), 1)


def ym_start_instant(ym):
    """00:00 UTC on the 1st, in Unix seconds (YearMonth.startInstant)."""
    return (ym_first(ym) - dt.date(1970, 1, 1)).days * 86400


def target_day(first_response):
    """The day the three-month target falls (Pool.isOverdue): same day of the month, clamped."""
    d = dt.date.fromisoformat(first_response)
    n = d.year * 12 + (d.month - 1) + TARGET_MONTHS
    y, m = n // 12, n % 12 + 1
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def instant_month(seconds, zone):
    """The YYYY-MM and date of a Unix instant in a time zone (UTC if the zone is unknown)."""
    t = dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
    try:
        from zoneinfo import ZoneInfo
        t = t.astimezone(ZoneInfo(zone))
    except Exception:
        pass
    return t.strftime("%Y-%m"), t.date()


# --------------------------------------------------------------------------------------------------
# The year's export and the monthly cuts

def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def records(path):
    """The header's raw text and every record's raw text with its Timestamp cell, record by record:
    csv.reader pulls one physical line at a time and yields a record as soon as it is complete, so
    the lines it pulled since the last record are exactly that record's bytes."""
    with open(path, "r", encoding="utf-8", errors="surrogateescape", newline="") as f:
        pulled = []

        def lines():
            for line in f:
                pulled.append(line)
                yield line

        reader = csv.reader(lines())
        header = None
        for row in reader:
            raw = "".join(pulled)
            pulled.clear()
            if header is None:
                header = (raw, row)
                continue
            yield header, raw, row


def timestamp_date(cell):
    """The date of a Google Forms Timestamp such as `2026/10/03 4:12:55 PM GMT+1` (the form's local
    day, as written), or None."""
    try:
        y, m, d = cell.strip().split(" ", 1)[0].split("/")
        return dt.date(int(y), int(m), int(d))
    except (ValueError, IndexError):
        return None


def cut_exports(year_csv, out_dir):
    """Writes out_dir/responses-before-YYYY-MM-01.csv for each cut month. Returns {cut month: (path,
    data rows)}."""
    os.makedirs(out_dir, exist_ok=True)
    kept = {m: [] for m in CUT_MONTHS}
    header_raw = None
    ts_col = None
    undated = 0
    for (hraw, hrow), raw, row in records(year_csv):
        if header_raw is None:
            header_raw = hraw
            ts_col = [c.strip().lower() for c in hrow].index("timestamp")
        day = timestamp_date(row[ts_col]) if ts_col < len(row) else None
        if day is None:
            undated += 1
            continue
        for m in CUT_MONTHS:
            if day < ym_first(m):
                kept[m].append(raw)
    if undated:
        print(f"   note: {undated} rows without a readable Timestamp are in no export")
    result = {}
    for m in CUT_MONTHS:
        path = os.path.join(out_dir, f"responses-before-{m}-01.csv")
        with open(path + ".tmp", "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
            f.write(header_raw)
            f.writelines(kept[m])
        os.replace(path + ".tmp", path)
        result[m] = (path, len(kept[m]))
    return result


# --------------------------------------------------------------------------------------------------
# Running the months

def run_month(tandem, export, session_month, work, timeout):
    """One `tandem run` from the working folder `work`: returns the month's run record."""
    out = os.path.join(work, "reports", session_month)
    ledger = os.path.join(work, "ledger.sqlite")
    logs = os.path.join(work, "logs")
    os.makedirs(logs, exist_ok=True)
    timefile = os.path.join(logs, f"{session_month}.time")
    cmd = [tandem, "run", export, "--month", session_month, "--ledger", ledger, "--out", out]
    wrapped = ["timeout", "--kill-after=30", str(timeout)] + cmd
    if os.access("/usr/bin/time", os.X_OK):
        wrapped = ["/usr/bin/time", "-f", "%M", "-o", timefile] + wrapped
    # Other work on the machine slows a run down: the load average before it is recorded with its time.
    try:
        load = float(open("/proc/loadavg").read().split()[0])
    except (OSError, ValueError, IndexError):
        load = None
    began = time.monotonic()
    with open(os.path.join(logs, f"{session_month}.stdout"), "wb") as so, \
         open(os.path.join(logs, f"{session_month}.stderr"), "wb") as se:
        code = subprocess.call(wrapped, cwd=work, stdout=so, stderr=se)
    seconds = time.monotonic() - began
    peak = None
    try:
        text = open(timefile).read().split()
        peak = int(text[-1]) if text else None
    except (OSError, ValueError):
        pass
    stderr = open(os.path.join(logs, f"{session_month}.stderr"), errors="replace").read().splitlines()
    stdout = open(os.path.join(logs, f"{session_month}.stdout"), errors="replace").read().splitlines()
    # /usr/bin/time adds "Command exited with non-zero status N" to its own file, not to stderr.
    return {
        "month": session_month, "command": " ".join(cmd[1:]).replace(work + "/", ""),
        "exit_code": code, "timed_out": code in (124, 137) and seconds >= timeout,
        "seconds": round(seconds, 3), "peak_kib": peak, "load_before": load,
        "stdout": [l.replace(work + "/", "") for l in stdout],
        "stderr_tail": [l.replace(work + "/", "") for l in stderr if l.strip()][-5:],
    }


def simulate(args):
    size_dir = os.path.join(os.path.abspath(args.data), "simulate", f"n{args.size}-seed{args.seed}")
    os.makedirs(size_dir, exist_ok=True)
    year_csv = os.path.join(size_dir, "applications-year.csv")
    stamp = f"{sha256_file(args.generator)} --n {args.size} --seed {args.seed} --flavour google-csv --start {YEAR_START} --days {YEAR_DAYS}"
    cached = os.path.exists(year_csv) and os.path.exists(year_csv + ".generator") and open(year_csv + ".generator").read() == stamp
    if not cached:
        print(f"== {args.size:,} a year: generating the year's applications…")
        subprocess.check_call([sys.executable, args.generator, "--n", str(args.size), "--seed", str(args.seed),
                               "--flavour", "google-csv", "--start", YEAR_START, "--days", str(YEAR_DAYS),
                               "--out", year_csv + ".tmp"])
        os.replace(year_csv + ".tmp", year_csv)
        open(year_csv + ".generator", "w").write(stamp)
    exports = cut_exports(year_csv, os.path.join(size_dir, "exports"))

    work = os.path.join(size_dir, "run")
    tandem = os.path.abspath(args.tandem)
    binary_sha = sha256_file(tandem)
    marker = os.path.join(work, "complete.json")
    reuse = False
    if args.reuse_runs and os.path.exists(marker):
        m = json.load(open(marker))
        reuse = m.get("binary_sha256") == binary_sha and m.get("year_sha256") == sha256_file(year_csv)
        print(f"== {args.size:,} a year: " + ("reusing the earlier simulation in " + work if reuse else
              "the earlier simulation used another binary or year; running again"))
    if not reuse:
        # An earlier simulation is moved aside and deleted at the end (as scripts/bench does): on ext4,
        # creating files right after deleting many thousands is slower, and would be timed as tandem's.
        trash = os.path.join(args.data, "trash")
        if os.path.exists(work):
            os.makedirs(trash, exist_ok=True)
            os.rename(work, os.path.join(trash, f"simulate-n{args.size}.{os.getpid()}.{time.time_ns()}"))
        os.makedirs(work)
        runs = []
        for cut in CUT_MONTHS:
            session = ym_add(cut, 1)
            export, rows = exports[cut]
            print(f"== {args.size:,} a year, run on {cut}-01 for sessions from {session} ({rows:,} responses)…", flush=True)
            r = run_month(tandem, export, session, work, args.run_timeout)
            r.update(cut=cut + "-01", export_rows=rows, export_bytes=os.path.getsize(export))
            # The month's small files are kept whatever --keep says; the run folder (calendars) only with --keep.
            keep = os.path.join(work, "months", session)
            os.makedirs(keep, exist_ok=True)
            for name in ("pairs.csv", "unmatched.csv", "summary.md", "timings.md"):
                src = os.path.join(work, "reports", session, name)
                if os.path.exists(src):
                    shutil.copy(src, keep)
            if r["timed_out"]:
                print(f"   timed out after {args.run_timeout} s")
            elif r["exit_code"] != 0:
                print(f"   failed (exit {r['exit_code']}) after {r['seconds']:.1f} s: " + (r["stderr_tail"][-1] if r["stderr_tail"] else ""))
            else:
                for line in r["stdout"]:
                    print("   " + line)
                print(f"   {r['seconds']:.2f} s" + (f", peak {r['peak_kib'] / 1024:,.0f} MiB" if r["peak_kib"] else ""))
            runs.append(r)
        json.dump({"runs": runs, "binary_sha256": binary_sha, "year_sha256": sha256_file(year_csv)},
                  open(marker, "w"), indent=1)
        if not args.keep and os.path.exists(os.path.join(work, "reports")):
            # Into the trash too, which scripts/simulate-year empties once every size has run: deleted
            # here, the next size's runs would create their files right after.
            os.makedirs(trash, exist_ok=True)
            os.rename(os.path.join(work, "reports"), os.path.join(trash, f"reports-n{args.size}.{os.getpid()}.{time.time_ns()}"))
    runs = json.load(open(marker))["runs"]

    ledger = os.path.join(work, "ledger.sqlite")
    month_pairs = {r["month"]: read_pairs_csv(os.path.join(work, "months", r["month"], "pairs.csv")) for r in runs}
    month_unmatched = {r["month"]: read_unmatched_csv(os.path.join(work, "months", r["month"], "unmatched.csv")) for r in runs}
    analysis = analyse(ledger, [r["month"] for r in runs], month_pairs, month_unmatched, holidays(args.holidays))
    for r in runs:
        r.update(analysis["months"].get(r["month"], {}))
        r["stages"] = read_timings(os.path.join(work, "months", r["month"], "timings.md"))
        r["allowed_pairs"], r["candidate_pairs"] = read_candidates(os.path.join(work, "months", r["month"], "summary.md"))
    results = {"size": args.size, "seed": args.seed, "runs": runs, "year": analysis["year"],
               "checks": analysis["checks"], "binary_sha256": binary_sha,
               "year_export": {"rows": sum(1 for _ in records(year_csv)), "sha256": sha256_file(year_csv)}}
    json.dump(results, open(os.path.join(size_dir, "results.json"), "w"), indent=1)
    print_checks(args.size, results)


def read_timings(path):
    """The first `| stage | seconds |` table of a run's timings.md, and then each solver stage
    (`| stage | GLPK solves | seconds |`), as (name, seconds)."""
    out = []
    if not os.path.exists(path):
        return out
    header = None
    for line in open(path, encoding="utf-8"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.strip().startswith("|") else None
        if not cells:
            header = None
            continue
        if header is None:
            header = [c.lower() for c in cells]
            continue
        if set("".join(cells)) <= set("-: "):
            continue
        if "stage" in header and "seconds" in header:
            try:
                name = cells[header.index("stage")]
                out.append((name if header == ["stage", "seconds"] else f"solver stage {name}", float(cells[header.index("seconds")])))
            except (ValueError, IndexError):
                pass
    return out


def read_candidates(path):
    """summary.md's "Candidate pairs: N allowed by the rules, M kept for the solver", or (None, None)."""
    import re
    try:
        text = open(path, encoding="utf-8").read()
    except OSError:
        return None, None
    m = re.search(r"Candidate pairs: (\d+) allowed by the rules, (\d+) kept", text)
    return (int(m.group(1)), int(m.group(2))) if m else (None, None)


def read_pairs_csv(path):
    """(senior key, junior key) of each row of a run's pairs.csv, or None without the file."""
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [(r["senior_email"].strip().lower(), r["junior_email"].strip().lower(), r.get("slot", ""))
                for r in csv.DictReader(f)]


def read_unmatched_csv(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [r for r in csv.DictReader(f)]


def holidays(path):
    days = {}
    if path and not os.path.exists(path):
        sys.exit(f"simulate-year: the bank-holiday list {path} is missing; check (g) would find nothing")
    if path:
        for line in open(path, encoding="utf-8"):
            line = line.split("#", 1)[0].strip()
            if line:
                day, _, name = line.partition("\t")
                try:
                    days[dt.date.fromisoformat(day.strip())] = name.strip()
                except ValueError:
                    pass
    return days


# --------------------------------------------------------------------------------------------------
# The analysis, from the ledger

def reason_group(reason):
    """The group of a `run_applicants.reason` (Matcher.describeUnmatched and Scorer's blocks):
    "no allowed partner: ..." and "cannot be paired: ..." (did not consent, applied as the other
    role, too little experience) are no allowed partner at all; "allowed partners were all needed
    ..." is lost to competition. A "cannot be paired" that names a pair ("already in an active pair
    as a junior", "all N of their places are taken by active pairs") is kept as its own text: for
    someone in no running pair it means a completed pair (Tandem does not pair a junior again on the
    same response), not a lack of partners."""
    if not reason:
        return "(no reason recorded)"
    r = reason.strip()
    if r.startswith("allowed partners were all needed"):
        return "lost to competition"
    if r.startswith("no allowed partner"):
        return "no allowed partner at all"
    if r.startswith("cannot be paired"):
        blocks = r.split(":", 1)[1] if ":" in r else ""
        if "active pair" in blocks or "places are taken" in blocks:
            return r
        return "no allowed partner at all"
    return r


def load_ledger(path):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        d = {
            "runs": {r["month"]: dict(r) for r in conn.execute("SELECT * FROM runs ORDER BY month")},
            "run_applicants": defaultdict(dict),
            "applicants": {},
            "pairs": [dict(r) for r in conn.execute("SELECT * FROM pairs ORDER BY month_formed, key")],
            "sessions": defaultdict(list),
        }
        for r in conn.execute("SELECT run_month, email_key, first_response, latest_response, outcome, waiting_days, reason "
                              "FROM run_applicants ORDER BY run_month, email_key"):
            d["run_applicants"][r["run_month"]][r["email_key"]] = dict(r)
        for r in conn.execute("SELECT email_key, first_response, latest_response, answers, withdrawn_on FROM applicants"):
            a = dict(r)
            try:
                a["answers"] = json.loads(a["answers"])
            except (TypeError, ValueError):
                a["answers"] = {}
            d["applicants"][r["email_key"]] = a
        for r in conn.execute('SELECT uid, pair_key, number, start, "end", status, session FROM sessions ORDER BY pair_key, number, start'):
            s = dict(r)
            try:
                s["zone"] = json.loads(s.pop("session")).get("timeZone", "UTC")
            except (TypeError, ValueError):
                s["zone"] = "UTC"
            d["sessions"][r["pair_key"]].append(s)
        return d
    finally:
        conn.close()


def analyse(ledger_path, run_months, month_pairs, month_unmatched, holiday_days):
    if not os.path.exists(ledger_path):
        return {"months": {}, "year": {"note": "no ledger (every run failed?)"}, "checks": {}}
    d = load_ledger(ledger_path)
    return analyse_data(d, run_months, month_pairs, month_unmatched, holiday_days)


def analyse_data(d, run_months, month_pairs, month_unmatched, holiday_days):
    pairs = d["pairs"]
    sessions = d["sessions"]
    for p in pairs:
        ss = sessions.get(p["key"], [])
        p["last_start_all"] = max((s["start"] for s in ss), default=None)
        p["last_start_scheduled"] = max((s["start"] for s in ss if s["status"] == "scheduled"), default=None)

    def running_at_start(m):
        """The ledger's rule for the snapshot of month m."""
        t = ym_start_instant(m)
        return [p for p in pairs if p["month_formed"] < m and p["status"] != "ended"
                and p["last_start_all"] is not None and p["last_start_all"] >= t]

    def running_during(m):
        t = ym_start_instant(m)
        out = []
        for p in pairs:
            if p["month_formed"] > m or p["last_start_scheduled"] is None or p["last_start_scheduled"] < t:
                continue
            if p["status"] == "ended" and p.get("ended_on") and dt.date.fromisoformat(p["ended_on"][:10]) <= ym_first(m):
                continue
            out.append(p)
        return out

    withdrawn = {k for k, a in d["applicants"].items()
                 if a.get("withdrawn_on") and a["latest_response"] <= a["withdrawn_on"]}
    ledger_months = sorted(d["runs"])
    first_pair_month = {}
    for p in pairs:  # ordered by month_formed
        for who in (p["senior_key"], p["junior_key"]):
            first_pair_month.setdefault(who, p["month_formed"])

    # First response as of each run: the earliest any run up to it saw.
    first_seen = {}
    first_as_of = {}
    for m in ledger_months:
        for k, r in d["run_applicants"][m].items():
            if k not in first_seen or r["first_response"] < first_seen[k]:
                first_seen[k] = r["first_response"]
        first_as_of[m] = dict(first_seen)

    # --- per month ---
    months = {}
    for m in run_months:
        if m not in d["runs"]:
            continue
        seen = d["run_applicants"][m]
        new = [p for p in pairs if p["month_formed"] == m]
        paired = {p["senior_key"] for p in new} | {p["junior_key"] for p in new}
        running = running_at_start(m)
        in_running = {p["senior_key"] for p in running} | {p["junior_key"] for p in running}
        waiting = [k for k in seen if k not in paired and k not in in_running and k not in withdrawn]
        day1 = ym_first(m)
        never_before = [k for k in waiting if first_pair_month.get(k, "9999") >= m]
        overdue = [k for k in never_before if target_day(first_as_of[m][k]) <= day1]
        groups = defaultdict(int)
        for k in waiting:
            groups[reason_group(seen[k]["reason"])] += 1
        paired_first = [k for k in paired if first_pair_month.get(k) == m]
        paired_overdue = [k for k in paired_first if k in first_as_of[m] and target_day(first_as_of[m][k]) <= day1]
        outcomes = defaultdict(int)
        for r in seen.values():
            outcomes[r["outcome"]] += 1
        run = d["runs"][m]
        csv_rows = month_pairs.get(m)
        unmatched = month_unmatched.get(m)
        months[m] = {
            "records": run["records"], "usable": run["applicants"], "rejected": run["rejected"],
            "seen": len(seen), "new_pairs": len(new),
            "new_seniors": len({p["senior_key"] for p in new}),
            "pairs_csv_rows": None if csv_rows is None else len(csv_rows),
            "pairs_csv_not_scheduled": None if csv_rows is None else sum(1 for r in csv_rows if r[2].startswith("not scheduled")),
            "runs_pairs": run["pairs"], "runs_unscheduled": run["unscheduled"], "proven_optimal": bool(run["proven_optimal"]),
            "running_pairs_at_start": len(running), "people_in_running_pairs": len(in_running),
            "people_in_running_pairs_seen": len([k for k in seen if k in in_running]),
            "paired_people": len(paired), "paired_first_time": len(paired_first),
            "paired_past_target": len(paired_overdue),
            "waiting": len(waiting), "waiting_never_paired": len(never_before),
            "waiting_had_pair_before": len(waiting) - len(never_before),
            "waiting_past_target": len(overdue),
            "waiting_no_allowed_partner": groups.get("no allowed partner at all", 0),
            "waiting_lost_to_competition": groups.get("lost to competition", 0),
            "waiting_other_reason": sum(n for g, n in groups.items() if g not in ("no allowed partner at all", "lost to competition")),
            "waiting_other_reasons": {g: n for g, n in sorted(groups.items())
                                      if g not in ("no allowed partner at all", "lost to competition")},
            "withdrawn_seen": len([k for k in seen if k in withdrawn]),
            "ledger_outcomes": dict(sorted(outcomes.items())),
            "unmatched_csv_not_paired": None if unmatched is None else sum(1 for r in unmatched if r.get("status") == "not paired"),
            "unmatched_csv_overdue": None if unmatched is None else sum(1 for r in unmatched if r.get("overdue") == "yes"),
        }

    # --- the year ---
    year = {}
    if ledger_months:
        last = ledger_months[-1]
        last_day = ym_first(last)
        people = {k: a for k, a in d["applicants"].items() if k not in withdrawn}
        first = {k: min(a["first_response"], first_seen.get(k, a["first_response"])) for k, a in people.items()}
        eligible = [k for k in people if target_day(first[k]) <= last_day]
        within = [k for k in eligible if k in first_pair_month and ym_first(first_pair_month[k]) < target_day(first[k])]
        waits = sorted((ym_first(first_pair_month[k]) - dt.date.fromisoformat(first[k])).days for k in people if k in first_pair_month)
        never = [k for k in people if k not in first_pair_month]
        latest_reason = {}
        for m in ledger_months:
            for k, r in d["run_applicants"][m].items():
                latest_reason[k] = r["reason"]
        never_groups = defaultdict(lambda: [0, 0, defaultdict(int)])
        for k in never:
            g = reason_group(latest_reason.get(k))
            never_groups[g][0] += 1
            if target_day(first[k]) <= last_day:
                never_groups[g][1] += 1
            never_groups[g][2][people[k]["answers"].get("role", "?")] += 1
        detail = defaultdict(int)  # "no allowed partner" reasons, by their text
        for k in never:
            if reason_group(latest_reason.get(k)) == "no allowed partner at all":
                detail[latest_reason[k]] += 1
        roles = defaultdict(int)
        for k in people:
            roles[people[k]["answers"].get("role", "?")] += 1
        year = {
            "last_session_month": last, "applicants": len(people), "withdrawn": len(withdrawn),
            "roles": dict(sorted(roles.items())),
            "pairs": len(pairs), "people_paired": len([k for k in people if k in first_pair_month]),
            "eligible_for_target": len(eligible), "paired_within_target": len(within),
            "share_within_target": (len(within) / len(eligible)) if eligible else None,
            "median_wait_days": statistics.median(waits) if waits else None,
            "p90_wait_days": waits[min(len(waits) - 1, int(0.9 * len(waits)))] if waits else None,
            "never_paired": len(never),
            "never_paired_by_reason": {g: {"people": n, "past_target": o, "roles": dict(sorted(r.items()))} for g, (n, o, r) in
                                       sorted(never_groups.items(), key=lambda x: (-x[1][0], x[0]))},
            "no_allowed_partner_reasons": dict(sorted(detail.items(), key=lambda x: (-x[1], x[0]))[:8]),
        }

    checks = rule_checks(d, pairs, sessions, run_months, month_pairs, running_during, holiday_days)
    return {"months": months, "year": year, "checks": checks}


def rule_checks(d, pairs, sessions, run_months, month_pairs, running_during, holiday_days):
    checks = {}
    last_session = max((s["start"] for ss in sessions.values() for s in ss if s["status"] == "scheduled"), default=None)
    first_month = min([m for m in run_months] + [p["month_formed"] for p in pairs], default=None)
    span = []
    if first_month:
        end = dt.datetime.fromtimestamp(last_session, dt.timezone.utc).strftime("%Y-%m") if last_session is not None else first_month
        m = first_month
        while m <= end:
            span.append(m)
            m = ym_add(m, 1)
    during = {m: running_during(m) for m in span}
    checks["months_checked"] = [span[0], span[-1]] if span else []

    # (a) one role at a time
    viol, people, examples = 0, {}, []
    how = defaultdict(int)
    for m in span:
        as_senior, as_junior = defaultdict(list), defaultdict(list)
        for p in during[m]:
            as_senior[p["senior_key"]].append(p)
            as_junior[p["junior_key"]].append(p)
        for k in sorted(set(as_senior) & set(as_junior)):
            viol += 1
            e = people.setdefault(k, {"person": k, "months": [], "senior_in": set(), "junior_in": set()})
            e["months"].append(m)
            e["senior_in"].update((p["key"], p["month_formed"]) for p in as_senior[k])
            e["junior_in"].update((p["key"], p["month_formed"]) for p in as_junior[k])
    for e in people.values():
        s_first = min(f for _, f in e["senior_in"])
        j_first = min(f for _, f in e["junior_in"])
        how["junior first, then also made a senior" if j_first < s_first else
            "senior first, then also made a junior" if s_first < j_first else
            "made a senior and a junior in the same month"] += 1
    for e in list(people.values())[:10]:
        examples.append({"person": e["person"], "months": months_text(e["months"]),
                         "senior_in": ["%s (formed %s)" % x for x in sorted(e["senior_in"], key=lambda x: (x[1], x[0]))],
                         "junior_in": ["%s (formed %s)" % x for x in sorted(e["junior_in"], key=lambda x: (x[1], x[0]))]})
    checks["a_one_role"] = {"violations": viol, "people": len(people), "how": dict(how), "examples": examples}

    # (b) running pairs within capacity
    viol, people, examples = 0, {}, []
    for m in span:
        count = defaultdict(int)
        for p in during[m]:
            count[p["senior_key"]] += 1
        for k, n in sorted(count.items()):
            cap = d["applicants"].get(k, {}).get("answers", {}).get("capacity")
            if cap is None:
                continue
            if n > int(cap):
                viol += 1
                e = people.setdefault(k, {"person": k, "capacity": int(cap), "months": [], "most": 0})
                e["months"].append(m)
                e["most"] = max(e["most"], n)
    no_cap = len({p["senior_key"] for p in pairs if d["applicants"].get(p["senior_key"], {}).get("answers", {}).get("capacity") is None})
    for e in list(people.values())[:10]:
        examples.append({"person": e["person"], "capacity": e["capacity"], "most_running": e["most"], "months": months_text(e["months"])})
    checks["b_capacity"] = {"violations": viol, "people": len(people), "seniors_without_capacity": no_cap, "examples": examples}

    # (c) no pair made twice
    # A row marked "not scheduled" was chosen but not made (the ledger does not hold it): only the
    # pairs made count, or a pair turned away one month and made the next would count twice.
    formed_in = defaultdict(list)
    for m in sorted(month_pairs):
        for s, j, slot in month_pairs[m] or []:
            if not slot.startswith("not scheduled"):
                formed_in[(s, j)].append(m)
    for p in pairs:
        if p["month_formed"] not in formed_in[(p["senior_key"], p["junior_key"])]:
            formed_in[(p["senior_key"], p["junior_key"])].append(p["month_formed"])
    same = [(k, ms) for k, ms in formed_in.items() if len(ms) > 1]
    by_people = defaultdict(list)
    for p in pairs:
        by_people[frozenset((p["senior_key"], p["junior_key"]))].append(p)
    swapped, after_end, examples = 0, 0, []
    for two, ps in by_people.items():
        if len(ps) < 2:
            continue
        roles = {(p["senior_key"], p["junior_key"]) for p in ps}
        if len(roles) > 1:
            swapped += 1
        ps = sorted(ps, key=lambda p: p["month_formed"])
        if any(p["status"] == "ended" for p in ps[:-1]):
            after_end += 1
        if len(examples) < 10:
            examples.append({"people": sorted(two), "pairs": ["%s (formed %s, %s)" % (p["key"], p["month_formed"], p["status"]) for p in ps]})
    for (s, j), ms in same:
        if len(examples) < 10:
            examples.append({"people": [s, j], "pairs": ["%s|%s formed in %s" % (s, j, ", ".join(ms))]})
        ended = [p for p in pairs if p["key"] == f"{s}|{j}" and p["status"] == "ended"]
        if ended:
            after_end += 1
    checks["c_no_pair_twice"] = {"same_pair_two_months": len(same), "swapped_roles": swapped,
                                 "after_an_ended_pair": after_end, "ended_pairs_in_ledger": sum(1 for p in pairs if p["status"] == "ended"),
                                 "months_with_pairs_csv": sum(1 for v in month_pairs.values() if v is not None),
                                 "examples": examples}

    # (d) a junior in one running pair at a time
    viol, people = 0, {}
    for m in span:
        count = defaultdict(list)
        for p in during[m]:
            count[p["junior_key"]].append(p["key"])
        for k, keys in sorted(count.items()):
            if len(keys) > 1:
                viol += 1
                e = people.setdefault(k, {"person": k, "months": [], "pairs": set()})
                e["months"].append(m)
                e["pairs"].update(keys)
    checks["d_one_senior_per_junior"] = {"violations": viol, "people": len(people),
                                         "examples": [{"person": e["person"], "months": months_text(e["months"]), "pairs": sorted(e["pairs"])}
                                                      for e in list(people.values())[:10]]}

    # (e) nobody double-booked
    by_person = defaultdict(list)
    key_of = {p["key"]: p for p in pairs}
    for pk, ss in sessions.items():
        p = key_of.get(pk)
        if not p:
            continue
        for s in ss:
            if s["status"] == "scheduled":
                by_person[p["senior_key"]].append((s["start"], s["end"], pk))
                by_person[p["junior_key"]].append((s["start"], s["end"], pk))
    overlaps, people, examples = 0, set(), []
    for k, ss in by_person.items():
        ss.sort()
        latest_end, latest_pair = None, None
        for start, end, pk in ss:
            if latest_end is not None and start < latest_end:
                overlaps += 1
                people.add(k)
                if len(examples) < 10:
                    examples.append({"person": k, "at_utc": dt.datetime.fromtimestamp(start, dt.timezone.utc).strftime("%Y-%m-%d %H:%M"),
                                     "pairs": [latest_pair, pk]})
            if latest_end is None or end > latest_end:
                latest_end, latest_pair = end, pk
    checks["e_no_double_booking"] = {"overlapping_sessions": overlaps, "people": len(people), "examples": examples}

    # (f) six monthly sessions from the month formed
    bad, examples = 0, []
    for p in pairs:
        ss = [s for s in sessions.get(p["key"], []) if s["status"] == "scheduled"]
        if p["status"] == "ended":
            continue
        problem = None
        if sorted(s["number"] for s in ss) != [1, 2, 3, 4, 5, 6]:
            problem = f"{len(ss)} scheduled sessions, numbered {sorted(s['number'] for s in ss)}"
        else:
            for s in sorted(ss, key=lambda s: s["number"]):
                month, _ = instant_month(s["start"], s["zone"])
                if month != ym_add(p["month_formed"], s["number"] - 1):
                    problem = f"session {s['number']} is in {month}, not {ym_add(p['month_formed'], s['number'] - 1)}"
                    break
        if problem:
            bad += 1
            if len(examples) < 10:
                examples.append({"pair": p["key"], "formed": p["month_formed"], "problem": problem})
    checks["f_six_monthly_sessions"] = {"pairs_wrong": bad, "pairs_checked": sum(1 for p in pairs if p["status"] != "ended"), "examples": examples}

    # (g) sessions on an England-and-Wales bank holiday (informational)
    on_holiday, examples = 0, []
    for pk, ss in sessions.items():
        for s in ss:
            if s["status"] != "scheduled":
                continue
            _, day = instant_month(s["start"], s["zone"])
            if day in holiday_days:
                on_holiday += 1
                if len(examples) < 10:
                    examples.append({"pair": pk, "session": s["number"], "day": f"{day} ({holiday_days[day]})", "zone": s["zone"]})
    by_day = defaultdict(int)
    for pk, ss in sessions.items():
        for s in ss:
            if s["status"] == "scheduled":
                _, day = instant_month(s["start"], s["zone"])
                if day in holiday_days:
                    by_day[f"{day} {holiday_days[day]}"] += 1
    checks["g_bank_holidays"] = {"sessions": on_holiday, "scheduled_sessions": sum(1 for ss in sessions.values() for s in ss if s["status"] == "scheduled"),
                                 "by_day": dict(sorted(by_day.items())), "examples": examples[:5]}

    # (h) informational: a last session whose month in its own time zone differs from its month in UTC.
    # The ledger's rule (last session on or after 00:00 UTC on the 1st) then treats the pair as over a
    # month early (its last session is not passed on as a commitment, the places are free) or a month late.
    early, late, examples = 0, 0, []
    for p in pairs:
        ss = [s for s in sessions.get(p["key"], []) if s["status"] == "scheduled"]
        if not ss:
            continue
        s = max(ss, key=lambda s: s["start"])
        local, _ = instant_month(s["start"], s["zone"])
        utc = dt.datetime.fromtimestamp(s["start"], dt.timezone.utc).strftime("%Y-%m")
        if local != utc:
            if local > utc:
                early += 1
            else:
                late += 1
            if len(examples) < 5:
                examples.append({"pair": p["key"], "last_session_utc": dt.datetime.fromtimestamp(s["start"], dt.timezone.utc).strftime("%Y-%m-%d %H:%M"),
                                 "zone": s["zone"], "local_month": local})
    checks["h_month_edges"] = {"over_a_month_early": early, "over_a_month_late": late, "examples": examples}
    return checks


def months_text(ms):
    """2026-03, 2026-04, 2026-05, 2026-07 -> 2026-03..2026-05, 2026-07"""
    out, run = [], []
    for m in ms:
        if run and ym_add(run[-1], 1) == m:
            run.append(m)
        else:
            if run:
                out.append(run[0] if len(run) == 1 else f"{run[0]}..{run[-1]}")
            run = [m]
    if run:
        out.append(run[0] if len(run) == 1 else f"{run[0]}..{run[-1]}")
    return ", ".join(out)


def example_text(x):
    """One example of a violation as a line of text: `person` first, then each field."""
    head = x.get("person") or x.get("pair") or " and ".join(x.get("people", []))
    parts = []
    for k, v in x.items():
        if k in ("person", "people") or (k == "pair" and v == head):
            continue
        v = "; ".join(v) if isinstance(v, list) else v
        parts.append(f"{k.replace('_', ' ')}: {v}")
    return f"`{head}` — " + "; ".join(parts)


def violation_count(checks):
    """Every rule check's count of violations (g is informational and not counted)."""
    if not checks:
        return {}
    return {
        "(a) one role at a time": checks["a_one_role"]["violations"],
        "(b) within capacity": checks["b_capacity"]["violations"],
        "(c) no pair made twice": checks["c_no_pair_twice"]["same_pair_two_months"] + checks["c_no_pair_twice"]["swapped_roles"]
                                  + checks["c_no_pair_twice"]["after_an_ended_pair"],
        "(d) one senior per junior": checks["d_one_senior_per_junior"]["violations"],
        "(e) no double booking": checks["e_no_double_booking"]["overlapping_sessions"],
        "(f) six monthly sessions": checks["f_six_monthly_sessions"]["pairs_wrong"],
    }


def print_checks(size, results):
    c = results["checks"]
    if not c:
        print(f"== {size:,} a year: no ledger to check")
        return
    print(f"== {size:,} a year: rule checks over {' to '.join(c['months_checked'])}")
    a = c["a_one_role"]
    print(f"   (a) one role at a time: {a['violations']} person-months, {a['people']} people")
    b = c["b_capacity"]
    print(f"   (b) within capacity: {b['violations']} senior-months, {b['people']} seniors")
    cc = c["c_no_pair_twice"]
    print(f"   (c) no pair made twice: {cc['same_pair_two_months']} same pair in two months, {cc['swapped_roles']} in swapped roles, {cc['after_an_ended_pair']} after an ended pair")
    dd = c["d_one_senior_per_junior"]
    print(f"   (d) one senior per junior: {dd['violations']} junior-months, {dd['people']} juniors")
    e = c["e_no_double_booking"]
    print(f"   (e) no double booking: {e['overlapping_sessions']} overlapping sessions, {e['people']} people")
    f = c["f_six_monthly_sessions"]
    print(f"   (f) six monthly sessions: {f['pairs_wrong']} of {f['pairs_checked']} pairs wrong")
    g = c["g_bank_holidays"]
    print(f"   (g) sessions on a bank holiday (informational): {g['sessions']} of {g['scheduled_sessions']}")
    h = c["h_month_edges"]
    print(f"   (h) last session in another month in UTC (informational): {h['over_a_month_early']} a month early, {h['over_a_month_late']} late")


# --------------------------------------------------------------------------------------------------
# The report

def command_output(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine(args):
    mem = None
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal:"):
            mem = int(line.split()[1])
    cpu = ""
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    commit = command_output(["git", "rev-parse", "--short=12", "HEAD"]) or "unknown"
    sources = command_output(["git", "log", "-1", "--format=%h", "--abbrev=12", "--", "Sources", "Package.swift"])
    if sources and sources != commit:
        commit += f" (Sources/ and Package.swift as of {sources})"
    dirty = command_output(["git", "status", "--porcelain", "--", "Sources", "Package.swift"])
    glpk = command_output(["dpkg-query", "-W", "-f=${Version}", "libglpk-dev"]) or "unknown"
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": command_output(["nproc"]) or str(os.cpu_count()),
        "memory": f"{mem / 2**20:.1f} GiB" if mem else "unknown",
        "cpu": cpu or "unknown",
        "commit": commit + (" (with uncommitted changes in Sources/ or Package.swift)" if dirty else ""),
        "swift": (command_output(["swift", "--version"]).splitlines() or ["unknown"])[0],
        "glpk": glpk,
        "python": sys.version.split()[0],
    }


def fi(v):
    return "—" if v is None else f"{int(v):,}"


def fs(v):
    return "—" if v is None else f"{v:,.2f}" if v < 100 else f"{v:,.0f}"


def cell(t):
    return str(t).replace("|", "\\|").replace("\n", " ")


CSV_COLUMNS = ["date", "commit", "applicants_per_year", "seed", "session_month", "export_cut", "export_rows",
               "usable", "rejected", "exit_code", "timed_out", "seconds", "peak_kib", "load_before", "allowed_pairs", "candidate_pairs", "new_pairs", "new_seniors",
               "pairs_csv_not_scheduled", "running_pairs_at_start", "people_in_running_pairs", "paired_people",
               "paired_first_time", "paired_past_target", "waiting", "waiting_never_paired", "waiting_had_pair_before",
               "waiting_past_target", "waiting_no_allowed_partner", "waiting_lost_to_competition",
               "waiting_other_reason", "ledger_waiting", "unmatched_csv_not_paired", "unmatched_csv_overdue", "proven_optimal", "stderr_last_line"]


def report(args):
    m = machine(args)
    sizes = [int(s) for s in args.sizes.split(",")]
    data = os.path.abspath(args.data)
    results = {}
    for n in sizes:
        path = os.path.join(data, "simulate", f"n{n}-seed{args.seed}", "results.json")
        if os.path.exists(path):
            results[n] = json.load(open(path))
    os.makedirs(args.out, exist_ok=True)
    binary = sha256_file(args.tandem)[:12] if os.path.exists(args.tandem) else "unknown"

    md = ["# Tandem over a scheme year", ""]
    md.append("This page runs Tandem as a coordinator would for one scheme year: on the 1st of every month "
              "from February 2026 to January 2027 the export of all form responses to date is run through one "
              "ledger, and the ledger is then read to see how the scheme went month by month and whether the "
              "scheme's rules held across months. The applications are made up (one year of them, at two "
              "sizes). Written by `scripts/simulate-year` (dev-only; `scripts/simulate-year --help`).")
    md.append("")
    md.append("## Machine and software")
    md.append("")
    md.append("| | |\n|---|---|")
    for label, value in [("date", m["date"]), ("processor cores (nproc)", m["cores"]), ("memory (MemTotal)", m["memory"]),
                         ("processor", m["cpu"]), ("Tandem commit", m["commit"]),
                         ("tandem binary (sha256)", binary + "…" + (f" (given by TANDEM={args.tandem_from_env})" if args.tandem_from_env else
                                                                     f" ({os.path.relpath(args.tandem)})")),
                         ("Swift", m["swift"]), ("GLPK (libglpk-dev)", m["glpk"]), ("Python (analysis)", m["python"]),
                         ("test data", args.generator_note)]:
        md.append(f"| {label} | {cell(value)} |")
    md.append("")
    md.append("## Definitions")
    md.append("")
    md.append(DEFINITIONS)
    csv_rows = []
    violations_total = 0
    for n in sizes:
        md.append(f"## {n:,} applicants a year")
        md.append("")
        r = results.get(n)
        if not r:
            md.append("Not run (no results; see the script's output).")
            md.append("")
            continue
        loads = [run["load_before"] for run in r["runs"] if run.get("load_before") is not None]
        md.append(f"The year's export has {r['year_export']['rows'] - 1:,} responses (seed {r['seed']}). "
                  "Times are wall-clock seconds of each whole `tandem run`; peak memory is the largest resident "
                  "set (GNU time `%M`)."
                  + (f" The machine's 1-minute load average just before each run (it includes the month before's run) "
                     f"was {min(loads):.1f} to {max(loads):.1f} on {m['cores']} cores (per month in the CSV); other work on "
                     "the machine makes the times longer." if loads else ""))
        md.append("")
        md.append("| session month | export cut | responses | usable | exit | seconds | peak MiB | new pairs | running pairs at start | people in them | waiting | never paired | had a pair before | past target | no allowed partner | lost to competition | other reason | newly paired past target |")
        md.append("|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for run in r["runs"]:
            ok = run["exit_code"] == 0
            exit_text = "0" if ok else ("timed out" if run.get("timed_out") else f"**{run['exit_code']}**")
            g = run.get
            md.append(f"| {run['month']} | {run['cut']} | {fi(run['export_rows'])} | {fi(g('usable'))} | {exit_text} | "
                      f"{fs(run['seconds'])} | {fi(run['peak_kib'] / 1024) if run.get('peak_kib') else '—'} | {fi(g('new_pairs'))} | "
                      f"{fi(g('running_pairs_at_start'))} | {fi(g('people_in_running_pairs'))} | {fi(g('waiting'))} | "
                      f"{fi(g('waiting_never_paired'))} | {fi(g('waiting_had_pair_before'))} | {fi(g('waiting_past_target'))} | "
                      f"{fi(g('waiting_no_allowed_partner'))} | {fi(g('waiting_lost_to_competition'))} | {fi(g('waiting_other_reason'))} | "
                      f"{fi(g('paired_past_target'))} |")
            csv_rows.append([m["date"], m["commit"].split()[0], n, r["seed"], run["month"], run["cut"], run["export_rows"],
                             g("usable"), g("rejected"), run["exit_code"], "yes" if run.get("timed_out") else "no",
                             run["seconds"], run.get("peak_kib"), g("load_before"), g("allowed_pairs"), g("candidate_pairs"), g("new_pairs"), g("new_seniors"), g("pairs_csv_not_scheduled"),
                             g("running_pairs_at_start"), g("people_in_running_pairs"), g("paired_people"), g("paired_first_time"),
                             g("paired_past_target"), g("waiting"), g("waiting_never_paired"), g("waiting_had_pair_before"),
                             g("waiting_past_target"), g("waiting_no_allowed_partner"), g("waiting_lost_to_competition"),
                             g("waiting_other_reason"), None if g("ledger_outcomes") is None else g("ledger_outcomes").get("waiting", 0), g("unmatched_csv_not_paired"), g("unmatched_csv_overdue"),
                             g("proven_optimal"), (run["stderr_tail"] or [""])[-1]])
        md.append("")
        failed = [run for run in r["runs"] if run["exit_code"] != 0]
        for run in failed:
            md.append(f"- **{run['month']} failed** (exit {run['exit_code']}" + (", timed out" if run.get("timed_out") else "")
                      + f", after {run['seconds']:.1f} s). Last lines of stderr:")
            md.append("")
            md.append("  ```")
            for line in run["stderr_tail"]:
                md.append("  " + line)
            md.append("  ```")
        others = defaultdict(int)
        for run in r["runs"]:
            for reason, count in (run.get("waiting_other_reasons") or {}).items():
                others[reason] += count
        if others:
            md.append("- Waiting people with other reasons (summed over the months): "
                      + "; ".join(f"\"{cell(k)}\": {v:,}" for k, v in sorted(others.items(), key=lambda x: -x[1])))
        mismatch = [run["month"] for run in r["runs"] if run.get("ledger_outcomes") is not None
                    and run["ledger_outcomes"].get("waiting", 0) != run.get("waiting", 0) + run.get("withdrawn_seen", 0)]
        md.append("- Cross-check: the ledger's own outcome `waiting` in `run_applicants` "
                  + ("equals the waiting count above in every month." if not mismatch else f"differs from the count above in {', '.join(mismatch)}."))
        warn = sorted({l for run in r["runs"] for l in run["stderr_tail"] if "warning" in l})
        if warn:
            md.append("- Every run's stderr: " + "; ".join(f"`{cell(w)}`" for w in warn))
        headline = []
        for run in r["runs"]:
            said = next((int(x.split()[0]) for line in run["stdout"] for x in [line.strip()] if x.split()[:1] and x.split()[0].isdigit()
                         and x.split(None, 1)[1].startswith("new pair")), None)
            if said is not None and run.get("new_pairs") is not None and said != run["new_pairs"]:
                headline.append(f"{run['month']}: {said:,} said, {run['new_pairs']:,} in the ledger, {fi(run.get('pairs_csv_rows'))} rows in pairs.csv")
        if headline:
            md.append("- Tandem's own line \"N new pairs\" counts the pairs it could not give a slot too; the ledger (and the table "
                      "above) holds only the scheduled ones: " + "; ".join(headline))
        unsched = [(run["month"], run["pairs_csv_not_scheduled"]) for run in r["runs"] if run.get("pairs_csv_not_scheduled")]
        if unsched:
            md.append("- Pairs in `pairs.csv` marked not scheduled: " + ", ".join(f"{mo}: {c}" for mo, c in unsched))
        not_proven = [run["month"] for run in r["runs"] if run.get("proven_optimal") is False]
        if not_proven:
            md.append(f"- Pairing not proven optimal (summary's solver table) in: {', '.join(not_proven)}")
        done = [run for run in r["runs"] if run["exit_code"] == 0]
        if len(done) >= 3:
            median = statistics.median(x["seconds"] for x in done)
            for run in done:
                if run["seconds"] > 5 * median and run["seconds"] > 5:
                    stages = run.get("stages") or []
                    md.append(f"- {run['month']} took {run['seconds']:.1f} s, {run['seconds'] / median:.0f} times the median month ({median:.2f} s), "
                              f"with {fi(run.get('candidate_pairs'))} candidate pairs kept for the solver"
                              + (": " + ", ".join(f"{name} {sec:.2f} s" for name, sec in stages) if stages else "")
                              + (" (timings.md)" if stages else ""))
        if done:
            slow = max(done, key=lambda x: x["seconds"])
            md.append(f"- Slowest month: {slow['month']}, {slow['seconds']:.2f} s ({slow['export_rows']:,} responses); "
                      f"all twelve runs took {sum(x['seconds'] for x in r['runs']):,.1f} s.")
        md.append("")

        y = r["year"]
        md.append(f"### The year at {n:,}")
        md.append("")
        if "applicants" not in y:
            md.append(y.get("note", "No figures."))
        else:
            share = y["share_within_target"]
            md.append("| | |\n|---|---|")
            md.append(f"| applicants the ledger knows (usable at least once, not withdrawn) | {y['applicants']:,} |")
            md.append(f"| their roles (latest answers) | " + ", ".join(f"{k} {v:,}" for k, v in y["roles"].items()) + " |")
            md.append(f"| pairs formed | {y['pairs']:,} |")
            md.append(f"| people ever paired | {y['people_paired']:,} |")
            md.append(f"| paired within three months of applying | {y['paired_within_target']:,} of {y['eligible_for_target']:,} whose three months had passed by {y['last_session_month']}: "
                      + ("—" if share is None else f"**{share * 100:.1f}%**") + " |")
            md.append(f"| median wait, first response to first session month (people paired) | {fi(y['median_wait_days'])} days (90th percentile {fi(y['p90_wait_days'])} days) |")
            md.append(f"| never paired | {y['never_paired']:,} |")
            for g, v in y["never_paired_by_reason"].items():
                md.append(f"| — {cell(g)} | {v['people']:,} ({v['past_target']:,} of them past the target by {y['last_session_month']}; "
                          + ", ".join(f"{k} {c:,}" for k, c in v["roles"].items()) + ") |")
            md.append("")
            if y.get("no_allowed_partner_reasons"):
                md.append("The commonest \"no allowed partner\" reasons among the never paired (latest run):")
                md.append("")
                for text, count in y["no_allowed_partner_reasons"].items():
                    md.append(f"- {count:,}: {cell(text)}")
                md.append("")

        c = r["checks"]
        md.append(f"### Rule checks at {n:,}")
        md.append("")
        if not c:
            md.append("No ledger to check.")
            md.append("")
            continue
        counts = violation_count(c)
        violations_total += sum(counts.values())
        a, b, cc, dd, e, f, gg = (c["a_one_role"], c["b_capacity"], c["c_no_pair_twice"], c["d_one_senior_per_junior"],
                                  c["e_no_double_booking"], c["f_six_monthly_sessions"], c["g_bank_holidays"])
        md.append(f"Months checked: {' to '.join(c['months_checked'])}.")
        md.append("")
        md.append("| check | result |\n|---|---|")
        md.append(f"| (a) one role at a time | {'**' if a['violations'] else ''}{a['violations']:,} person-months, {a['people']:,} people{'**' if a['violations'] else ''}"
                  + (" (" + "; ".join(f"{k}: {v:,}" for k, v in a["how"].items()) + ")" if a["how"] else "") + " |")
        md.append(f"| (b) running pairs within capacity | {b['violations']:,} senior-months, {b['people']:,} seniors |")
        md.append(f"| (c) no pair made twice | {cc['same_pair_two_months']:,} same senior and junior in two months; {cc['swapped_roles']:,} the same two people in swapped roles; "
                  f"{cc['after_an_ended_pair']:,} after an ended pair ({cc['ended_pairs_in_ledger']:,} pairs ended in the ledger; {cc['months_with_pairs_csv']} months' pairs.csv read) |")
        md.append(f"| (d) one senior per junior at a time | {dd['violations']:,} junior-months, {dd['people']:,} juniors |")
        md.append(f"| (e) nobody double-booked | {e['overlapping_sessions']:,} overlapping sessions, {e['people']:,} people |")
        md.append(f"| (f) six monthly sessions per pair | {f['pairs_wrong']:,} of {f['pairs_checked']:,} pairs wrong |")
        md.append(f"| (g) sessions on a bank holiday (informational) | {gg['sessions']:,} of {gg['scheduled_sessions']:,} scheduled sessions |")
        hh = c.get("h_month_edges")
        if hh:
            md.append(f"| (h) last session in another month in UTC than in its own time zone (informational) | {hh['over_a_month_early']:,} pair(s) whose last session is "
                      f"on the 1st locally but the month before in UTC (the ledger frees them a month early); {hh['over_a_month_late']:,} the other way round |")
        md.append("")
        for title, ex in [("(a) one role at a time", a["examples"]), ("(b) capacity", b["examples"]), ("(c) pairs made twice", cc["examples"]),
                          ("(d) juniors with two seniors", dd["examples"]), ("(e) double bookings", e["examples"]),
                          ("(f) sessions", f["examples"]), ("(h) month edges", (c.get("h_month_edges") or {}).get("examples", []))]:
            if not ex:
                continue
            md.append(f"Examples, {title}:")
            md.append("")
            for x in ex:
                md.append("- " + cell(example_text(x)))
            md.append("")
        if gg["by_day"]:
            md.append("Sessions by bank holiday (g): " + "; ".join(f"{k}: {v:,}" for k, v in gg["by_day"].items()))
            md.append("")

    open(os.path.join(args.out, "simulate-year.md"), "w", encoding="utf-8").write("\n".join(md).rstrip() + "\n")
    with open(os.path.join(args.out, "simulate-year.csv"), "w", encoding="utf-8", newline="") as fcsv:
        w = csv.writer(fcsv)
        w.writerow(CSV_COLUMNS)
        w.writerows(csv_rows)
    print(f"Wrote {args.out}/simulate-year.md and simulate-year.csv")
    if violations_total:
        print(f"The rule checks found {violations_total:,} violations (see the report)" + (": --strict, so exit 1" if args.strict else ""))
        if args.strict:
            return 1
    return 0


# --------------------------------------------------------------------------------------------------
# Self-test: the checks against hand-made ledgers

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
CREATE TABLE runs (month TEXT PRIMARY KEY NOT NULL, input_file TEXT NOT NULL, input_fingerprint TEXT NOT NULL,
  config_fingerprint TEXT NOT NULL, output_fingerprint TEXT NOT NULL, records INTEGER NOT NULL, applicants INTEGER NOT NULL,
  rejected INTEGER NOT NULL, pairs INTEGER NOT NULL, unmatched INTEGER NOT NULL, unscheduled INTEGER NOT NULL,
  proven_optimal INTEGER NOT NULL, solver TEXT NOT NULL);
CREATE TABLE run_applicants (run_month TEXT NOT NULL REFERENCES runs(month) ON DELETE CASCADE, email_key TEXT NOT NULL,
  first_response TEXT NOT NULL, latest_response TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('paired', 'in-pair', 'waiting')), waiting_days INTEGER, reason TEXT,
  PRIMARY KEY (run_month, email_key));
CREATE TABLE applicants (email_key TEXT PRIMARY KEY NOT NULL, email TEXT NOT NULL, name TEXT NOT NULL,
  first_response TEXT NOT NULL, latest_response TEXT NOT NULL, answers TEXT NOT NULL, withdrawn_on TEXT, withdrawal_note TEXT);
CREATE TABLE pairs (key TEXT PRIMARY KEY NOT NULL, senior_key TEXT NOT NULL, junior_key TEXT NOT NULL,
  senior_name TEXT NOT NULL, senior_email TEXT NOT NULL, junior_name TEXT NOT NULL, junior_email TEXT NOT NULL,
  month_formed TEXT NOT NULL, junior_response TEXT NOT NULL, pattern TEXT NOT NULL, score REAL NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'completed', 'ended')), ended_on TEXT, end_reason TEXT);
CREATE TABLE sessions (uid TEXT PRIMARY KEY NOT NULL, pair_key TEXT NOT NULL REFERENCES pairs(key) ON DELETE CASCADE,
  number INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, sequence INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled')), session TEXT NOT NULL);
"""


class TinyLedger:
    """A ledger written by hand, in the schema of Ledger.swift's migrator."""

    def __init__(self, path):
        self.conn = sqlite3.connect(path)
        self.conn.executescript(SCHEMA)
        self.hour = 0

    def run(self, month, people):
        """people: {key: (first_response, outcome, reason)}"""
        self.conn.execute("INSERT INTO runs VALUES (?, 'x.csv', '', '', '', ?, ?, 0, 0, 0, 0, 1, '')", (month, len(people), len(people)))
        for k, (first, outcome, reason) in people.items():
            self.conn.execute("INSERT INTO run_applicants VALUES (?, ?, ?, ?, ?, NULL, ?)", (month, k, first, first, outcome, reason))

    def applicant(self, key, first, capacity=1, role="senior", withdrawn=None):
        answers = json.dumps({"capacity": capacity, "role": role}, sort_keys=True)
        self.conn.execute("INSERT INTO applicants VALUES (?, ?, ?, ?, ?, ?, ?, NULL)", (key, key, key, first, first, answers, withdrawn))

    def pair(self, senior, junior, month, status="active", ended_on=None, sessions=6, day=10, hour=None, cancelled_from=None):
        key = f"{senior}|{junior}"
        self.conn.execute("INSERT INTO pairs VALUES (?, ?, ?, '', '', '', '', ?, '2026-01-01', '', 50, ?, ?, NULL)",
                          (key, senior, junior, month, status, ended_on))
        if hour is None:
            self.hour = (self.hour + 1) % 20
            hour = self.hour
        for n in range(1, sessions + 1):
            m = ym_add(month, n - 1)
            start = ym_start_instant(m) + (day - 1) * 86400 + hour * 3600
            status_s = "cancelled" if cancelled_from and n >= cancelled_from else "scheduled"
            self.conn.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
                              (f"{key}-{n}", key, n, start, start + 3600, status_s, json.dumps({"timeZone": "UTC"})))
        return key

    def close(self):
        self.conn.commit()
        self.conn.close()


def self_test(_args):
    failures = []

    def expect(what, got, want):
        ok = got == want
        print(f"  {'ok  ' if ok else 'FAIL'} {what}: {got!r}" + ("" if ok else f" (expected {want!r})"))
        if not ok:
            failures.append(what)

    tmp = tempfile.mkdtemp(prefix="simulate-year-selftest.")
    try:
        # The cutter: a paragraph answer across lines, CRLF inside quotes, rows out of order.
        year = os.path.join(tmp, "year.csv")
        with open(year, "w", encoding="utf-8", newline="") as f:
            f.write('Timestamp,Email Address,Hope\n')
            f.write('2026/01/31 11:59:59 PM GMT,a@x.org,"one\nline, two"\n')
            f.write('2026/02/01 12:00:01 AM GMT,b@x.org,"say ""hi""\r\nthere"\n')
            f.write('2026/01/15 9:00:00 AM GMT,c@x.org,plain\n')
        cuts = cut_exports(year, os.path.join(tmp, "cuts"))
        feb = open(cuts["2026-02"][0], encoding="utf-8", newline="").read()
        print("cutting the export:")
        expect("rows before 2026-02-01", cuts["2026-02"][1], 2)
        expect("bytes kept exactly", feb, 'Timestamp,Email Address,Hope\n2026/01/31 11:59:59 PM GMT,a@x.org,"one\nline, two"\n2026/01/15 9:00:00 AM GMT,c@x.org,plain\n')
        expect("rows before 2026-03-01", cuts["2026-03"][1], 3)
        expect("target day of 2026-01-31", str(target_day("2026-01-31")), "2026-04-30")
        print("grouping the reasons:")
        expect("groups", [reason_group(r) for r in (
            "no allowed partner: no monthly slot", "cannot be paired: did not consent to share their details",
            "allowed partners were all needed for pairs that cover more people",
            "cannot be paired: already in an active pair as a junior", None, "something new")],
            ["no allowed partner at all", "no allowed partner at all", "lost to competition",
             "cannot be paired: already in an active pair as a junior", "(no reason recorded)", "something new"])

        # A clean ledger: two months, nothing wrong. Then one with a known violation of every check.
        print("a clean ledger:")
        path = os.path.join(tmp, "clean.sqlite")
        t = TinyLedger(path)
        for k in ("s1", "s2", "j1", "j2", "j3", "w1"):
            t.applicant(k, "2026-02-20" if k == "j3" else "2025-12-20", capacity=2 if k == "s1" else 1,
                        role="junior" if k[0] in "jw" else "senior")
        t.run("2026-03", {"s1": ("2025-12-20", "paired", None), "j1": ("2025-12-20", "paired", None),
                          "s2": ("2025-12-20", "waiting", "allowed partners were all needed for pairs that cover more people"),
                          "j2": ("2025-12-20", "waiting", "no allowed partner: no common slot"),
                          "w1": ("2025-12-20", "waiting", "cannot be paired: did not consent")})
        t.pair("s1", "j1", "2026-03")
        t.run("2026-04", {"s1": ("2025-12-20", "paired", None), "j1": ("2025-12-20", "in-pair", None),
                          "s2": ("2025-12-20", "paired", None), "j2": ("2025-12-20", "paired", None),
                          "j3": ("2026-02-20", "paired", None), "w1": ("2025-12-20", "waiting", "cannot be paired: did not consent")})
        t.pair("s1", "j2", "2026-04")
        t.pair("s2", "j3", "2026-04")
        t.close()
        r = analyse(path, ["2026-03", "2026-04"], {"2026-03": [("s1", "j1", "")], "2026-04": [("s1", "j2", ""), ("s2", "j3", "")]},
                    {}, {})
        expect("violations", violation_count(r["checks"]), {k: 0 for k in violation_count(r["checks"])})
        mar, apr = r["months"]["2026-03"], r["months"]["2026-04"]
        expect("2026-03 waiting / no allowed partner / lost", (mar["waiting"], mar["waiting_no_allowed_partner"], mar["waiting_lost_to_competition"]), (3, 2, 1))
        expect("2026-03 past target (first response 2025-12-20: due 2026-03-20)", mar["waiting_past_target"], 0)
        expect("2026-04 waiting, running pairs, people in them", (apr["waiting"], apr["running_pairs_at_start"], apr["people_in_running_pairs"]), (1, 1, 2))
        expect("2026-04 past target (due 2026-03-20 is before 2026-04-01)", apr["waiting_past_target"], 1)
        y = r["year"]
        expect("year: eligible, paired within target", (y["eligible_for_target"], y["paired_within_target"]), (5, 2))
        expect("year: never paired by reason", y["never_paired_by_reason"], {"no allowed partner at all": {"people": 1, "past_target": 1, "roles": {"junior": 1}}})
        expect("year: median wait (40, 71, 71, 102, 102 days)", y["median_wait_days"], 71)

        print("a ledger with known violations:")
        path = os.path.join(tmp, "bad.sqlite")
        t = TinyLedger(path)
        for k in ("a", "b", "c", "d", "e", "f", "g", "h", "x", "y"):
            t.applicant(k, "2026-01-05", capacity=1)
        t.run("2026-03", {k: ("2026-01-05", "paired", None) for k in "abcdef"})
        t.run("2026-05", {k: ("2026-01-05", "paired", None) for k in "abcdefgh"})
        t.run("2026-10", {k: ("2026-01-05", "paired", None) for k in "xyzw"})
        t.pair("a", "b", "2026-03")             # b junior March..August
        t.pair("b", "c", "2026-05")             # (a) b senior from May: months 2026-05..2026-08 (4)
        t.pair("d", "e", "2026-03")
        t.pair("d", "f", "2026-05")             # (b) d capacity 1, two running 2026-05..2026-08 (4)
        t.pair("g", "e", "2026-05")             # (d) e has two seniors 2026-05..2026-08 (4); (a) no: g,e
        t.pair("c", "b", "2026-10")             # (c) b and c again in swapped roles; (a) b junior again from 2026-10,
                                                # but b's senior pair (b|c, May..Oct) runs in October too: 1 more month
        t.pair("x", "y", "2026-03", status="ended", ended_on="2026-04-15", cancelled_from=3)
        t.pair("y", "x", "2026-10")             # (c) after an ended pair (and swapped)
        t.pair("h", "a", "2026-05", day=10, hour=5)
        # (h) z|w's last session at 10:00 in Sydney on 1 March 2027 is 23:00 UTC on 28 February.
        t.applicant("z", "2026-08-01")
        t.applicant("w", "2026-08-01")
        t.pair("z", "w", "2026-10")
        t.conn.execute("UPDATE sessions SET start = ?, \"end\" = ?, session = ? WHERE uid = 'z|w-6'",
                       (ym_start_instant("2027-03") - 3600, ym_start_instant("2027-03"), json.dumps({"timeZone": "Australia/Sydney"})))
        t.conn.execute("UPDATE sessions SET start = start - 86400*3, \"end\" = \"end\" - 86400*3 WHERE uid = 'h|a-1'")
        # (f) h|a's first session moved to 2026-05-07 still in May: fine; now break a month:
        t.conn.execute("UPDATE sessions SET start = start + 86400*25, \"end\" = \"end\" + 86400*25 WHERE uid = 'h|a-2'")
        # h|a session 2 now on 2026-07-05: in July, not June -> (f) one pair wrong.
        # (e) a double booking: a's session with h|a at the same time as a|b's.
        t.conn.execute("UPDATE sessions SET start = (SELECT start FROM sessions WHERE uid = 'a|b-3'), "
                       "\"end\" = (SELECT \"end\" FROM sessions WHERE uid = 'a|b-3') WHERE uid = 'h|a-1'")
        t.close()
        months = {"2026-03": [("a", "b", ""), ("d", "e", ""), ("x", "y", "")],
                  "2026-05": [("b", "c", ""), ("d", "f", ""), ("g", "e", ""), ("h", "a", "")],
                  "2026-10": [("c", "b", ""), ("y", "x", ""), ("a", "b", ""), ("z", "w", "")]}  # a|b listed again: same pair in two months
        r = analyse(path, ["2026-03", "2026-05", "2026-10"], months, {}, {dt.date(2026, 5, 10): "a made-up holiday"})
        c = r["checks"]
        # a: senior in h|a? no, a is junior in h|a (May..Oct) and senior in a|b (Mar..Aug): 2026-05..2026-08 (4)
        # b: junior in a|b (Mar..Aug) + senior in b|c (May..Oct): 2026-05..2026-08 (4); junior in c|b (Oct..Mar) + senior b|c: 2026-10 (1)
        # x, y: x|y ended 2026-04-15, y|x from October: no overlap.
        # c: junior in b|c (May..Oct), senior in c|b (Oct..): 2026-10 (1). Total 4 + 5 + 1 = 10, 3 people.
        expect("(a) person-months, people", (c["a_one_role"]["violations"], c["a_one_role"]["people"]), (10, 3))
        expect("(b) senior-months, seniors", (c["b_capacity"]["violations"], c["b_capacity"]["people"]), (4, 1))
        cc = c["c_no_pair_twice"]
        expect("(c) same pair in two months, swapped roles, after an ended pair",
               (cc["same_pair_two_months"], cc["swapped_roles"], cc["after_an_ended_pair"]), (1, 2, 1))
        expect("(d) junior-months, juniors", (c["d_one_senior_per_junior"]["violations"], c["d_one_senior_per_junior"]["people"]), (4, 1))
        expect("(e) overlapping sessions, people", (c["e_no_double_booking"]["overlapping_sessions"], c["e_no_double_booking"]["people"]), (1, 1))
        expect("(f) pairs wrong", c["f_six_monthly_sessions"]["pairs_wrong"], 1)
        # 2026-05-10: a|b-3, b|c-1, d|e-3, d|f-1, g|e-1, h|a-1 (x|y-3 is cancelled)
        expect("(g) sessions on 2026-05-10", c["g_bank_holidays"]["sessions"], 6)
        expect("every check fires", all(v > 0 for v in violation_count(c).values()), True)
        expect("(h) month edges: z|w over a month early", (c["h_month_edges"]["over_a_month_early"], c["h_month_edges"]["over_a_month_late"]), (1, 0))
        expect("2026-05: b and d in running pairs at the start", r["months"]["2026-05"]["running_pairs_at_start"], 2)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print(f"self-test: {len(failures)} failed: {', '.join(failures)}")
        return 1
    print("self-test: every check passed")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("simulate")
    s.add_argument("--size", type=int, required=True)
    s.add_argument("--seed", type=int, required=True)
    s.add_argument("--data", required=True)
    s.add_argument("--tandem", required=True)
    s.add_argument("--generator", required=True)
    s.add_argument("--holidays", default="scripts/fixtures/england-and-wales-holidays.txt")
    s.add_argument("--run-timeout", type=int, default=1800)
    s.add_argument("--keep", action="store_true")
    s.add_argument("--reuse-runs", action="store_true")
    r = sub.add_parser("report")
    r.add_argument("--data", required=True)
    r.add_argument("--sizes", required=True)
    r.add_argument("--seed", type=int, required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--tandem", required=True)
    r.add_argument("--generator-note", default="")
    r.add_argument("--tandem-from-env", default="")
    r.add_argument("--strict", action="store_true")
    sub.add_parser("self-test")
    a = ap.parse_args()
    if a.command == "simulate":
        simulate(a)
        return 0
    if a.command == "report":
        return report(a)
    return self_test(a)


if __name__ == "__main__":
    sys.exit(main())
