"""Load: practitioner journeys under concurrent users, against gunicorn on PostgreSQL with the scaled demo data.

Run: ``PYTHONPATH=. .venv/bin/python -m bench.bench_load [--users 50] [--minutes 5]
[--database-url postgres://postgres@127.0.0.1:54331/loadbench]``

1. A fresh PostgreSQL database (the one named in ``--database-url``, dropped and created: its name must contain
   "bench"), ``joinedup migrate``, ``joinedup seed-demo --children N``, ``VACUUM (ANALYZE)`` and
   ``joinedup collectstatic``.
2. ``bench.load.plan`` gives each Link Worker and team manager the runs sign in as an authenticator (a confirmed
   TOTP device with a key the scenario knows) and writes the plan: the people of each run, their children, their
   teams.
3. gunicorn serves ``joinedup.wsgi`` with production settings (``bench.load.settings``: the product's settings
   and one trivial view), DEBUG off, ``--workers`` sync workers (2 x cores + 1, gunicorn's advice).
4. locust (headless, one process, ``FastHttpUser``) runs four times against it, each run signing in its own people
   through the real pages (password, then the code their app would show):
   - warm-up, not reported: a few users without pauses for 20 s, so that every worker has loaded what the pages
     need, as on a server that has been up a while;
   - journeys: ``--users`` practitioners pausing ``--think`` seconds between pages, for ``--minutes``, started
     ``--spawn-rate`` a second (the target: no failures, p95 <= 300 ms);
   - capacity: the same journeys without pauses, for ``--capacity-seconds``;
   - trivial: the trivial view without pauses, for ``--capacity-seconds``.
   Throughput is compared over the second half of the capacity and trivial runs (every user signed in by then):
   the share of the bare framework's rate (same server, same middleware, same signed-in sessions) that the real
   pages reach.
5. Prints a table per run, with the CPU time gunicorn, PostgreSQL, locust and the rest of the machine used (the
   machine may be shared), and a line to paste into docs/benchmarks.md; keeps them, locust's CSV files and
   gunicorn's log in ``--output``. Stops gunicorn and drops the database (unless ``--keep-database``).

``--reuse-database`` skips step 1 on a database an earlier ``--keep-database`` run left. ``--conn-max-age N``
keeps database connections N seconds instead of the product's setting (``JOINEDUP_DB_CONN_MAX_AGE``, 60).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil
import psycopg

from bench.common import machine_line, postgres_database_drop, postgres_database_fresh

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "load" / "locustfile.py"
PORT = 8731
HOST = f"http://127.0.0.1:{PORT}"
TARGET_P95_MS = 300.0


@dataclass
class Row:
    name: str
    requests: int
    failures: int
    median: float
    p95: float
    p99: float
    rps: float


@dataclass
class Run:
    label: str
    seconds: float
    rows: list[Row]
    total: Row
    # Requests a second over the second half of the run: after every user has signed in and the server is busy.
    steady_rps: float
    failures: list[str]
    locust_cpu: float
    server_cpu: float
    # PostgreSQL's processes (every database on the server) and everything else on the machine (other people's
    # work on a shared machine), in CPU seconds over the run.
    postgres_cpu: float
    other_cpu: float

    def table(self) -> str:
        lines = [
            f"{self.label} ({self.seconds:.0f} s, {self.steady_rps:.1f} requests/s in the second half; CPU seconds: "
            f"gunicorn {self.server_cpu:.0f}, PostgreSQL {self.postgres_cpu:.0f}, locust {self.locust_cpu:.0f}, "
            f"other work on the machine {self.other_cpu:.0f}, of {self.seconds * (os.cpu_count() or 1):.0f})",
            "| step | requests | failures | median ms | p95 ms | p99 ms | requests/s |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for row in [*self.rows, self.total]:
            name = f"**{row.name}**" if row is self.total else row.name
            lines.append(
                f"| {name} | {row.requests:,} | {row.failures:,} | {row.median:.0f} | {row.p95:.0f} | "
                f"{row.p99:.0f} | {row.rps:.1f} |"
            )
        lines.extend(f"failure: {failure}" for failure in self.failures)
        return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50, help="concurrent simulated practitioners")
    parser.add_argument("--minutes", type=float, default=5, help="length of the journeys run")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:54331/loadbench")
    parser.add_argument("--children", type=int, default=10_000, help="size of the demo data (seed-demo --children)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (more than 1: gthread)")
    parser.add_argument("--think", default="1,3", help="pause between pages, seconds: LOW,HIGH (default: %(default)s)")
    parser.add_argument("--capacity-seconds", type=int, default=60, help="length of each run without pauses")
    parser.add_argument(
        "--spawn-rate", type=float, default=1, help="users started a second in the journeys run (default: %(default)s)"
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        help="keep database connections this many seconds (an experiment: the product opens one a request)",
    )
    parser.add_argument("--output", type=Path, help="where to keep the results (default: var/bench/load/<time>)")
    parser.add_argument("--keep-database", action="store_true", help="leave the database for --reuse-database")
    parser.add_argument("--reuse-database", action="store_true", help="use the database an earlier run kept")
    args = parser.parse_args()

    output = args.output or ROOT / "var" / "bench" / "load" / datetime.now().strftime("%Y%m%d-%H%M%S")
    output.mkdir(parents=True, exist_ok=True)
    env = _environment(args.database_url, output)
    if args.conn_max_age is not None:
        env["LOADBENCH_CONN_MAX_AGE"] = str(args.conn_max_age)
    report: list[str] = [machine_line(), f"command: {' '.join(sys.argv)}"]
    _say(report, report[0])

    if not args.reuse_database:
        postgres_database_fresh(args.database_url)
        started = time.perf_counter()
        _joinedup(env, "migrate", "--verbosity", "0")
        migrated = time.perf_counter()
        _joinedup(env, "seed-demo", "--children", str(args.children))
        seeded = time.perf_counter()
        # A database in service has been vacuumed and analysed long since; straight after seed-demo's bulk loads
        # autovacuum would do it during the first minutes of the run instead, competing with the requests.
        with psycopg.connect(args.database_url, autocommit=True) as connection:
            connection.execute("VACUUM (ANALYZE)")
        _say(
            report,
            f"migrate: {migrated - started:.0f} s; seed-demo --children {args.children}: {seeded - migrated:.0f} s; "
            f"VACUUM (ANALYZE): {time.perf_counter() - seeded:.0f} s",
        )
    _joinedup(env, "collectstatic", "--no-input", "--verbosity", "0")
    plan_path = output / "plan.json"
    warm_users = min(args.users, 2 * args.workers)
    # (label, user class, users, seconds, pauses, users started a second). The warm-up is not reported: it has
    # every worker import, compile and cache what the pages need, as a server that has been up a while has.
    # Managers sign in to the journeys and capacity runs both, which start more than 30 s apart (one code a step).
    runs = [
        ("warm-up", "Practitioner", warm_users, 20, "0", float(warm_users)),
        ("journeys", "Practitioner", args.users, round(args.minutes * 60), args.think, args.spawn_rate),
        ("capacity", "Practitioner", args.users, args.capacity_seconds, "0", 10.0),
        ("trivial", "Trivial", args.users, args.capacity_seconds, "0", 10.0),
    ]
    blocks = ",".join(f"{label}:{users}:{int(label in ('journeys', 'capacity'))}" for label, _, users, *_ in runs)
    plan = _plan_write(env, plan_path, blocks=blocks)
    _say(report, f"data: {plan['summary']}")

    server = _gunicorn_start(env, output, workers=args.workers, threads=args.threads)
    results: dict[str, Run] = {}
    try:
        _say(report, f"gunicorn: {args.workers} workers x {args.threads} threads, pid {server.pid}")
        for label, user_class, users, seconds, think, spawn_rate in runs:
            run = _locust(
                env,
                output,
                label=label,
                user_class=user_class,
                users=users,
                spawn_rate=spawn_rate,
                seconds=seconds,
                think=think,
                plan_path=plan_path,
                server=server,
            )
            results[label] = run
            if label != "warm-up":
                _say(report, "\n" + run.table())
    finally:
        _gunicorn_stop(server)
        if not args.keep_database:
            postgres_database_drop(args.database_url)

    journeys, capacity, trivial = results["journeys"], results["capacity"], results["trivial"]
    ratio = capacity.steady_rps / trivial.steady_rps if trivial.steady_rps else 0.0
    verdict = "PASS" if journeys.total.failures == 0 and journeys.total.p95 <= TARGET_P95_MS else "FAIL"
    _say(
        report,
        f"\nthroughput without pauses, second half of each run: journeys {capacity.steady_rps:.1f} requests/s, "
        f"trivial view {trivial.steady_rps:.1f} requests/s: ratio {ratio:.2f}",
    )
    line = (
        f"| {datetime.now():%Y-%m-%d} | {args.users} users, {args.minutes:g} min, pauses {args.think} s | "
        f"{journeys.total.requests:,} | {journeys.total.failures} | {journeys.total.median:.0f} | "
        f"{journeys.total.p95:.0f} | {journeys.total.p99:.0f} | {journeys.total.rps:.1f} | "
        f"{capacity.steady_rps:.1f} / {trivial.steady_rps:.1f} = {ratio:.2f} | {verdict} |"
    )
    _say(report, f"target (no failures, p95 <= {TARGET_P95_MS:.0f} ms): {verdict}")
    _say(
        report,
        "line for docs/benchmarks.md (date | load | requests | failures | median | p95 | p99 | requests/s | "
        "capacity / trivial requests/s = ratio | target):",
    )
    _say(report, line)
    (output / "report.md").write_text("\n".join(report) + "\n")
    print(f"kept in {output}")


def _say(report: list[str], text: str) -> None:
    print(text, flush=True)
    if text not in report:
        report.append(text)


def _environment(database_url: str, output: Path) -> dict[str, str]:
    """Production settings from the environment, as a deployment sets them."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.load.settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])),
        "DEBUG": "false",
        "SECRET_KEY": "load-benchmark-only-" + secrets.token_hex(24),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on 127.0.0.1: a deployment's proxy terminates TLS in front of gunicorn.
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "JOINEDUP_VAR_DIR": str(output / "var"),
        # Concerns alert the safeguarding leads by email while the request runs; there is no mail server here.
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }


def _joinedup(env: dict[str, str], *command: str) -> None:
    subprocess.run([sys.executable, "-m", "joinedup", *command], env=env, check=True, stdout=subprocess.DEVNULL)


def _plan_write(env: dict[str, str], path: Path, *, blocks: str) -> dict[str, Any]:
    """Give the people the runs sign in as an authenticator, and write who they are and which children they see."""
    subprocess.run([sys.executable, "-m", "bench.load.plan", str(path), blocks], env=env, check=True, cwd=ROOT)
    plan: dict[str, Any] = json.loads(path.read_text())
    return plan


def _gunicorn_start(env: dict[str, str], output: Path, *, workers: int, threads: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "joinedup.wsgi",
        "--bind",
        f"127.0.0.1:{PORT}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread" if threads > 1 else "sync",
        "--error-logfile",
        str(output / "gunicorn.log"),
        "--timeout",
        "60",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start (exit {server.returncode}): see {output / 'gunicorn.log'}")
        try:
            with urllib.request.urlopen(f"{HOST}/healthz", timeout=2) as response:  # noqa: S310 - our own server
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    _gunicorn_stop(server)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def _gunicorn_stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _cpu_seconds(process: psutil.Process) -> float:
    """CPU seconds used by a process and its children still running (gunicorn's workers)."""
    total = 0.0
    for each in [process, *process.children(recursive=True)]:
        try:
            times = each.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def _postgres_cpu_seconds() -> float:
    """CPU seconds of the PostgreSQL server: its processes, and (counted on the postmaster) those that ended."""
    total = 0.0
    for process in psutil.process_iter(["name", "cpu_times"]):
        times = process.info["cpu_times"]
        if process.info["name"] == "postgres" and times is not None:
            total += times.user + times.system + times.children_user + times.children_system
    return total


def _machine_busy_seconds() -> float:
    times = psutil.cpu_times()
    return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))


def _locust(
    env: dict[str, str],
    output: Path,
    *,
    label: str,
    user_class: str,
    users: int,
    spawn_rate: float,
    seconds: int,
    think: str,
    plan_path: Path,
    server: subprocess.Popen[bytes],
) -> Run:
    prefix = output / label
    command = [
        sys.executable,
        "-m",
        "locust",
        "--locustfile",
        str(LOCUSTFILE),
        "--headless",
        "--only-summary",
        "--host",
        HOST,
        "--users",
        str(users),
        "--spawn-rate",
        str(spawn_rate),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "10",
        "--csv",
        str(prefix),
        "--loglevel",
        "WARNING",
        user_class,
    ]
    run_env = {**env, "LOADBENCH_PLAN": str(plan_path), "LOADBENCH_THINK": think, "LOADBENCH_RUN": label}
    gunicorn = psutil.Process(server.pid)
    server_cpu = _cpu_seconds(gunicorn)
    postgres_cpu = _postgres_cpu_seconds()
    machine_cpu = _machine_busy_seconds()
    print(f"{label}: {users} users ({user_class}), {seconds} s, pauses {think} s ...", flush=True)
    started = time.perf_counter()
    with (output / f"{label}.log").open("w") as log:
        locust = psutil.Popen(command, env=run_env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        locust_cpu = 0.0
        while locust.poll() is None:
            try:
                times = locust.cpu_times()
                locust_cpu = times.user + times.system
            except psutil.NoSuchProcess:
                break
            time.sleep(1)
    elapsed = time.perf_counter() - started
    server_cpu = _cpu_seconds(gunicorn) - server_cpu
    postgres_cpu = _postgres_cpu_seconds() - postgres_cpu
    machine_cpu = _machine_busy_seconds() - machine_cpu
    rows, total = _stats(Path(f"{prefix}_stats.csv"))
    return Run(
        label=label,
        seconds=elapsed,
        rows=rows,
        total=total,
        steady_rps=_steady_rps(Path(f"{prefix}_stats_history.csv")),
        failures=_failures(Path(f"{prefix}_failures.csv")),
        locust_cpu=locust_cpu,
        server_cpu=server_cpu,
        postgres_cpu=postgres_cpu,
        other_cpu=max(0.0, machine_cpu - server_cpu - locust_cpu - postgres_cpu),
    )


def _stats(path: Path) -> tuple[list[Row], Row]:
    rows: list[Row] = []
    total: Row | None = None
    with path.open() as file:
        for record in csv.DictReader(file):
            row = Row(
                name=record["Name"],
                requests=int(record["Request Count"]),
                failures=int(record["Failure Count"]),
                median=float(record["50%"] if record["50%"] != "N/A" else 0),
                p95=float(record["95%"] if record["95%"] != "N/A" else 0),
                p99=float(record["99%"] if record["99%"] != "N/A" else 0),
                rps=float(record["Requests/s"]),
            )
            if record["Name"] == "Aggregated":
                row.name = "all requests"
                total = row
            else:
                rows.append(row)
    if total is None:
        raise SystemExit(f"locust wrote no aggregated figures in {path}")
    return rows, total


def _steady_rps(path: Path) -> float:
    """Requests a second over the second half of a run, from locust's history (cumulative counts each second)."""
    with path.open() as file:
        points = [
            (float(r["Timestamp"]), int(r["Total Request Count"]))
            for r in csv.DictReader(file)
            if r["Name"] == "Aggregated"
        ]
    if len(points) < 4:
        return 0.0
    start, end = points[len(points) // 2], points[-1]
    return (end[1] - start[1]) / (end[0] - start[0]) if end[0] > start[0] else 0.0


def _failures(path: Path) -> list[str]:
    if not path.exists():
        return []
    with path.open() as file:
        return [f"{r['Name']}: {r['Error']} (x{r['Occurrences']})" for r in csv.DictReader(file)]


if __name__ == "__main__":
    main()
