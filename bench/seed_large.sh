#!/usr/bin/env bash
# Time to load the `large` demo data set (docs/design.md §7) into a fresh PostgreSQL database, RUNS times.
# Usage: bench/seed_large.sh [RUNS]   (needs PostgreSQL on 127.0.0.1:5432 with trust auth for postgres)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
db=do_bench_seed
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db"
for run in $(seq 1 "$runs"); do
    psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
    .venv/bin/python manage.py migrate -v0
    .venv/bin/python manage.py load_reference_data >/dev/null
    start=$(date +%s.%N)
    .venv/bin/python manage.py seed_demo --scale large --seed 1 | tail -n 2 | head -n 1
    echo "run $run: $(echo "$(date +%s.%N) - $start" | bc) s"
done
