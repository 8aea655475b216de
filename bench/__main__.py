"""``make bench``: every benchmark, on SQLite and on PostgreSQL, printing medians and ratios
against a baseline measured in the same run (these machines are shared and noisy)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHES = [
    "bench.pages",
    "bench.dispatch",
    "bench.screening",
    "bench.tagging",
    "bench.stance",
    "bench.claims",
    "bench.ingest",
    "bench.warroom",  # after ingest, which empties the monitoring tables
    "bench.load",  # on a database of its own (the demo's data), through gunicorn and wrk
    "bench.faults",  # on databases of its own; PostgreSQL adds the server and Redis faults
]


def databases() -> dict[str, str]:
    sqlite = ROOT / "var" / "bench" / "bench.sqlite3"
    sqlite.parent.mkdir(parents=True, exist_ok=True)
    sqlite.unlink(missing_ok=True)
    urls = {"sqlite": f"sqlite:///{sqlite}"}
    pg_file = ROOT / "var" / "test-database-url"
    if pg_file.exists():
        urls["postgresql"] = pg_file.read_text().strip().rsplit("/", 1)[0] + "/itcell_bench"
    return urls


def main() -> int:
    failed = 0
    for label, url in databases().items():
        if label == "postgresql":
            subprocess.run(
                [
                    "psql",
                    url.rsplit("/", 1)[0] + "/postgres",
                    "-qc",
                    "DROP DATABASE IF EXISTS itcell_bench",
                    "-c",
                    "CREATE DATABASE itcell_bench",
                ],
                check=True,
            )
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "ITCELL_VAR_DIR": str(ROOT / "var" / "bench"),
            "ITCELL_BENCH_DB": label,
        }
        for bench in BENCHES:
            failed += (
                subprocess.run([sys.executable, "-m", bench], env=env, cwd=ROOT).returncode != 0
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
