#!/usr/bin/env bash
# The Engram cluster topology as local processes, against the servers of deploy/local/infra.sh.
#
#   deploy/local/services.sh up     [svc...]   build if needed, start each service, wait for its /health
#   deploy/local/services.sh down   [svc...]   SIGTERM (graceful drain), SIGKILL after ENGRAM_SERVICES_STOP_TIMEOUT (35 s)
#   deploy/local/services.sh status [svc...]   pid, port, /ready (exit 3 if not all ready)
#
# svc = gateway ingestion mem-reader scheduler retrieval (default: all; mem-reader only with an LLM,
# i.e. ENGRAM_LLM_BASE_URL + ENGRAM_LLM_EXTRACTOR_MODEL, else async adds stay fast: ENGRAM_FINE_MODE=false).
# Env: .cache/infra/env.sh (server addresses) then the caller's ENGRAM_* (e.g. ENGRAM_EMBEDDER,
# ENGRAM_CLUSTER_NAMESPACE). Logs: .cache/services/logs/<svc>.log. Ports: ENGRAM_<SVC>_PORT (HTTP),
# ENGRAM_<SVC>_GRPC_PORT (gateway: off by default; ingestion 9011, retrieval 9014).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="$ROOT/.cache/services"
RUN="$STATE/run"
LOGS="$STATE/logs"
ALL=(scheduler retrieval ingestion mem-reader gateway)
STOP_TIMEOUT="${ENGRAM_SERVICES_STOP_TIMEOUT:-35}"
mkdir -p "$RUN" "$LOGS"

log() { printf '[services %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

port_of() {
  local var default
  var="ENGRAM_$(echo "$1" | tr 'a-z-' 'A-Z_')_PORT"
  case "$1" in gateway) default=8001 ;; ingestion) default=8011 ;; mem-reader) default=8012 ;; scheduler) default=8013 ;; retrieval) default=8014 ;; esac
  echo "${!var:-$default}"
}
pid_of() {
  local f="$RUN/$1.pid" p
  [[ -f "$f" ]] || return 1
  p="$(cat "$f")"
  kill -0 "$p" 2>/dev/null || return 1
  echo "$p"
}
llm_configured() { [[ -n "${ENGRAM_LLM_BASE_URL:-}" && -n "${ENGRAM_LLM_EXTRACTOR_MODEL:-}" ]]; }

select_services() {
  SERVICES=()
  if (($# == 0)); then SERVICES=("${ALL[@]}"); return; fi
  local s
  for s in "$@"; do
    [[ " ${ALL[*]} " == *" $s "* ]] || die "unknown service '$s' (expected: ${ALL[*]})"
    SERVICES+=("$s")
  done
}

load_env() {
  [[ -f "$ROOT/.cache/infra/env.sh" ]] || die "no .cache/infra/env.sh: run deploy/local/infra.sh up first"
  local keep
  keep="$(export -p | grep ' ENGRAM_' || true)" # the caller's settings win over the generated file
  # shellcheck source=/dev/null
  source "$ROOT/.cache/infra/env.sh"
  eval "$keep"
  export ENGRAM_STORES=cluster
  llm_configured || export ENGRAM_FINE_MODE="${ENGRAM_FINE_MODE:-false}"
}

ensure_built() {
  local s missing=0
  for s in "${SERVICES[@]}"; do [[ -f "$ROOT/dist/apps/$s/src/main.js" ]] || missing=1; done
  if ((missing)) || [[ "${ENGRAM_SERVICES_BUILD:-}" == 1 ]]; then
    log "building (tsc -p tsconfig.build.json)"
    (cd "$ROOT" && node node_modules/typescript/bin/tsc -p tsconfig.build.json)
  fi
}

wait_health() {
  local svc="$1" port="$2" pid="$3" deadline=$((SECONDS + ${ENGRAM_SERVICES_START_TIMEOUT:-120}))
  while ((SECONDS < deadline)); do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$LOGS/$svc.log" >&2; die "$svc exited during start-up (log: $LOGS/$svc.log)"; }
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  tail -n 30 "$LOGS/$svc.log" >&2
  die "$svc not healthy on :$port after ${ENGRAM_SERVICES_START_TIMEOUT:-120} s"
}

up() {
  load_env
  ensure_built
  local s port pid grpc_var
  for s in "${SERVICES[@]}"; do
    if [[ "$s" == mem-reader ]] && ! llm_configured; then
      log "mem-reader skipped: no LLM (ENGRAM_LLM_BASE_URL, ENGRAM_LLM_EXTRACTOR_MODEL); adds stay fast"
      continue
    fi
    if pid="$(pid_of "$s")"; then log "$s already running (pid $pid)"; continue; fi
    port="$(port_of "$s")"
    grpc_var="ENGRAM_$(echo "$s" | tr 'a-z-' 'A-Z_')_GRPC_PORT"
    # the gateway sends adds and searches to ingestion and retrieval over gRPC when they run here
    local remote=()
    if [[ "$s" == gateway ]] && pid_of ingestion >/dev/null && pid_of retrieval >/dev/null; then
      remote=(ENGRAM_INGESTION_ADDRESS="127.0.0.1:${ENGRAM_INGESTION_GRPC_PORT:-9011}"
        ENGRAM_RETRIEVAL_ADDRESS="127.0.0.1:${ENGRAM_RETRIEVAL_GRPC_PORT:-9014}")
    fi
    env "${remote[@]}" ENGRAM_PORT="$port" ENGRAM_GRPC_PORT="${!grpc_var:-}" nohup node -r "$ROOT/scripts/register-paths.cjs" "$ROOT/dist/apps/$s/src/main.js" \
      >>"$LOGS/$s.log" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$RUN/$s.pid"
    wait_health "$s" "$port" "$pid"
    log "$s up (pid $pid, http://127.0.0.1:$port)"
  done
}

down() {
  local s pid i=0 order=()
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do order+=("${SERVICES[$i]}"); done # front door first
  for s in "${order[@]}"; do
    if ! pid="$(pid_of "$s")"; then rm -f "$RUN/$s.pid"; continue; fi
    log "stopping $s (pid $pid, SIGTERM)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$s still running after ${STOP_TIMEOUT} s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$RUN/$s.pid"
  done
}

status() {
  local s pid port ready all=0
  printf '%-11s %-8s %-6s %s\n' SERVICE PID PORT READY
  for s in "${SERVICES[@]}"; do
    port="$(port_of "$s")"
    if pid="$(pid_of "$s")"; then
      ready="$(curl -fsS "http://127.0.0.1:$port/ready" 2>/dev/null || echo not-ready)"
    else
      pid=-; ready=down; all=3
    fi
    [[ "$ready" == *'"ready"'* ]] || all=3
    printf '%-11s %-8s %-6s %s\n' "$s" "$pid" "$port" "$ready"
  done
  return "$all"
}

cmd="${1:-}"
shift || true
select_services "$@"
case "$cmd" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
