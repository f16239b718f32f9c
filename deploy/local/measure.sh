#!/usr/bin/env bash
# Measure start-up time and resident memory of the local infrastructure servers on this machine.
#
#   deploy/local/measure.sh cold  [server...]   each server alone, in a FRESH cache dir (first fetch:
#                                                Maven plugins + artifacts / pip wheels) — downloads!
#   deploy/local/measure.sh warm  [server...]   each server alone, 3 runs, cached artifacts
#   deploy/local/measure.sh all                  `infra.sh up` of all four together (2 runs), plus RSS
#                                                after a smoke round trip
#
# Prints the infra.sh summary lines; every run is also appended to <cache>/logs/timings.tsv.
# Stops everything it started. Run it when nothing else is using the default ports.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
INFRA="$HERE/infra.sh"
mode="${1:-}"
(($#)) && shift
servers=("$@")
((${#servers[@]})) || servers=(kafka opensearch neo4j milvus)

echo "# $(date -u +%FT%TZ) $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, load: $(cut -d' ' -f1-3 /proc/loadavg)"
case "$mode" in
  cold)
    base="${ENGRAM_MEASURE_DIR:-/tmp/engram-infra-cold}"
    for s in "${servers[@]}"; do
      rm -rf "${base:?}/$s"
      mkdir -p "$base/$s"
      echo "## cold $s (ENGRAM_INFRA_DIR=$base/$s)"
      ENGRAM_INFRA_DIR="$base/$s" "$INFRA" up "$s" 2>/dev/null | grep -E "^$s " || echo "$s FAILED"
      ENGRAM_INFRA_DIR="$base/$s" "$INFRA" down "$s" 2>/dev/null
      du -sh "$base/$s" | sed 's/^/cache size: /'
      rm -rf "${base:?}/$s"
    done
    ;;
  warm)
    "$INFRA" fetch "${servers[@]}" 2>/dev/null
    for s in "${servers[@]}"; do
      for run in 1 2 3; do
        echo "## warm $s run $run"
        "$INFRA" up "$s" 2>/dev/null | grep -E "^$s " || echo "$s FAILED"
        "$INFRA" down "$s" 2>/dev/null
      done
    done
    ;;
  all)
    "$INFRA" fetch 2>/dev/null
    for run in 1 2; do
      echo "## all together, run $run"
      t0=$(date +%s.%N)
      "$INFRA" up 2>/dev/null | grep -E '^(kafka|opensearch|neo4j|milvus) '
      echo "wall: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
      if ((run == 2)); then
        # shellcheck source=/dev/null
        (set -a && . "${ENGRAM_INFRA_DIR:-$HERE/../../.cache/infra}/env.sh" && node "$HERE/smoke.mjs" >/dev/null)
        echo "## after smoke round trips"
        "$INFRA" status | awk '{ print $1, $6 " MiB" }' | tail -n +2
      fi
      "$INFRA" down 2>/dev/null
    done
    ;;
  *)
    sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
