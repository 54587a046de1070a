"""`make bench`: run every bench/bench_*.py in turn and print their tables as one report.

bench_ob20_peer.py builds .venv-peer (1EdTech's openbadges validator, pinned in
bench/peer-requirements.txt) on its first run; nothing of it goes into .venv."""

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = []
    print("# Eigen Dossier benchmarks\n")
    for script in sorted(HERE.glob("bench_*.py")):
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
        print(result.stdout.rstrip())
        if result.returncode:
            failed.append(script.name)
            print(f"\n{script.name} FAILED:\n{result.stderr[-2000:]}")
        print(f"\n_{script.name}: {time.perf_counter() - started:.0f} s_\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
