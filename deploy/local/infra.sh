#!/usr/bin/env bash
# Local infrastructure for Engram without Docker: Kafka (KRaft), OpenSearch, Neo4j (embedded + Bolt)
# and Milvus Lite, fetched from package registries into .cache/infra/ and run on loopback.
#
#   deploy/local/infra.sh up      [server...]   fetch if needed, start, wait until each answers a real request
#   deploy/local/infra.sh down    [server...]   clean stop (SIGTERM), SIGKILL after ENGRAM_INFRA_STOP_TIMEOUT
#   deploy/local/infra.sh status  [server...]   state, pid, address, RSS, live health probe (exit 3 if not all up)
#   deploy/local/infra.sh logs    [-f] [-n N] [server...]
#   deploy/local/infra.sh env                   print .cache/infra/env.sh (ENGRAM_* addresses)
#   deploy/local/infra.sh fetch   [server...]   only download/build into the cache
#   deploy/local/infra.sh restart [server...]
#   deploy/local/infra.sh reset   [server...]   stop and delete the server's DATA (downloads are kept)
#
# server = kafka | opensearch | neo4j | milvus (default: all). See docs/operations/local-infra.md.
set -euo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
for _s in "${ALL_SERVERS[@]}"; do
  # shellcheck source=/dev/null
  source "$LOCAL_DIR/servers/$_s.sh"
done

usage() {
  sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

select_servers() {
  SERVERS=()
  local s
  if (($# == 0)); then
    SERVERS=("${ALL_SERVERS[@]}")
    return
  fi
  for s in "$@"; do
    is_server "$s" || die "unknown server '$s' (expected: ${ALL_SERVERS[*]})"
    SERVERS+=("$s")
  done
}

# Serialise commands that change state (up/down/fetch/reset) across concurrent invocations.
take_lock() {
  mkdir -p "$INFRA_DIR"
  exec 9>"$INFRA_DIR/.lock"
  flock -w 900 9 || die "another infra.sh is holding $INFRA_DIR/.lock"
}

server_address() { effective_env_line "$1" | sed 's/^export [A-Z0-9_]*=//'; }

# ------------------------------------------------------------------------------------------- fetch
# Fetch each server in a subshell, writing "<fetched 0|1> <seconds>" to run/<server>.fetch.
# Maven fetches run one after another (they share the local repository); the pip install runs
# alongside them.
do_fetch() {
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  local s pids=() failed=0
  for s in "$@"; do
    rm -f "$RUN_DIR/$s.fetch"
  done
  fetch_one() {
    local s="$1" t0
    t0="$(now)"
    FETCHED=0
    "${s}_fetch"
    echo "$FETCHED $(elapsed "$t0" "$(now)")" >"$RUN_DIR/$s.fetch"
  }
  for s in "$@"; do
    if [[ "$s" == milvus ]]; then
      (fetch_one milvus) &
      pids+=($!)
    fi
  done
  for s in "$@"; do
    [[ "$s" == milvus ]] && continue
    (fetch_one "$s") || failed=1
  done
  for p in "${pids[@]}"; do
    wait "$p" || failed=1
  done
  ((failed == 0)) || die "fetch failed (see messages above)"
}

# ------------------------------------------------------------------------------------------- up
cmd_up() {
  select_servers "$@"
  take_lock
  resolve_node
  mkdir -p "$RUN_DIR" "$LOG_DIR"

  local s pid port to_fetch=()
  declare -A STATE=() PID=() T0=()
  for s in "${SERVERS[@]}"; do
    if pid="$(server_pid "$s")"; then
      STATE[$s]=already
      PID[$s]=$pid
      local want have
      want="$(server_env_line "$s")"
      have="$(effective_env_line "$s")"
      [[ "$want" == "$have" ]] || warn "$s is already running with '${have#export }' (configured: '${want#export }'); run 'infra.sh restart $s' to apply"
    else
      rm -f "$(pid_file "$s")" "$RUN_DIR/$s.env"
      for port in $("${s}_ports"); do
        if port_open "$INFRA_HOST" "$port"; then
          die "$s: port $INFRA_HOST:$port is already in use by another process (not started by this checkout's infra.sh). Stop it or choose other ports (see docs/operations/local-infra.md)."
        fi
      done
      to_fetch+=("$s")
    fi
  done

  ((${#to_fetch[@]} == 0)) || do_fetch "${to_fetch[@]}"

  for s in "${to_fetch[@]}"; do
    log "$s: starting $("${s}_version") on $(server_address "$s")"
    T0[$s]="$(now)"
    "${s}_start"
    PID[$s]="$(<"$(pid_file "$s")")"
    server_env_line "$s" >"$RUN_DIR/$s.env"
    STATE[$s]=started
  done

  # Wait for all of them at once, so each start-up time is measured from its own launch.
  load_effective_env
  local hp=()
  for s in "${SERVERS[@]}"; do
    (
      set +e
      "$NODE_BIN" "$LOCAL_DIR/health.mjs" "$s" --wait "$START_TIMEOUT" --pid "${PID[$s]}" \
        >"$RUN_DIR/$s.health" 2>&1
      rc=$?
      echo "$rc $(now)" >"$RUN_DIR/$s.health.rc"
    ) &
    hp+=($!)
  done
  for p in "${hp[@]}"; do wait "$p" || true; done

  local failed=() rc t_end fetch_info fetched fetch_s start_s rss mode
  printf '\n%-11s %-8s %-9s %-26s %8s %9s %9s %9s\n' SERVER VERSION STATE ADDRESS PID FETCH_S START_S RSS_MiB
  for s in "${SERVERS[@]}"; do
    read -r rc t_end <"$RUN_DIR/$s.health.rc"
    fetch_info="$(cat "$RUN_DIR/$s.fetch" 2>/dev/null || echo "0 0.0")"
    read -r fetched fetch_s <<<"$fetch_info"
    if [[ "${STATE[$s]}" == already ]]; then
      start_s="-"
      fetch_s="-"
    else
      start_s="$(elapsed "${T0[$s]}" "$t_end")"
    fi
    if [[ "$rc" == 0 ]]; then
      rss="$(mib "$(rss_kib "${PID[$s]}")")"
      printf '%-11s %-8s %-9s %-26s %8s %9s %9s %9s\n' "$s" "$("${s}_version")" "${STATE[$s]}" \
        "$(server_address "$s")" "${PID[$s]}" "$fetch_s" "$start_s" "$rss"
      if [[ "${STATE[$s]}" == started ]]; then
        mode=warm
        [[ "$fetched" == 1 ]] && mode=cold
        [[ -s "$LOG_DIR/timings.tsv" ]] ||
          printf 'utc\tserver\tversion\tmode\tfetch_s\tstart_s\trss_mib\tstarted_together\n' >"$LOG_DIR/timings.tsv"
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$s" "$("${s}_version")" "$mode" \
          "$fetch_s" "$start_s" "$rss" "${#to_fetch[@]}" >>"$LOG_DIR/timings.tsv"
      fi
    else
      printf '%-11s %-8s %-9s %-26s %8s %9s %9s %9s\n' "$s" "$("${s}_version")" FAILED \
        "$(server_address "$s")" "${PID[$s]}" "$fetch_s" "$start_s" "-"
      failed+=("$s")
    fi
  done
  echo

  for s in "${failed[@]}"; do
    printf '[infra] %s did not become healthy (timeout %ss): %s\n' "$s" "$START_TIMEOUT" "$(tail -n 3 "$RUN_DIR/$s.health" | tr '\n' ' ')" >&2
    tail_log "$LOG_DIR/$s.log"
    if pid="$(server_pid "$s")"; then
      stop_pid "$s" "$pid" 10
    fi
    rm -f "$(pid_file "$s")" "$RUN_DIR/$s.env"
  done

  write_env_file
  echo "# $INFRA_DIR/env.sh"
  grep '^export' "$INFRA_DIR/env.sh"
  if ((${#failed[@]})); then
    die "failed to start: ${failed[*]} (logs: $LOG_DIR/<server>.log)"
  fi
}

# ------------------------------------------------------------------------------------------- down
cmd_down() {
  select_servers "$@"
  take_lock
  local s pid rc=0
  local -a order=()
  # stop in reverse start order
  for ((i = ${#SERVERS[@]} - 1; i >= 0; i--)); do order+=("${SERVERS[$i]}"); done
  local bg=()
  for s in "${order[@]}"; do
    if pid="$(server_pid "$s")"; then
      (
        log "$s: stopping pid $pid"
        stop_pid "$s" "$pid"
        log "$s: stopped ($STOP_HOW, ${STOP_SECONDS}s)"
        [[ "$STOP_HOW" == clean ]] || exit 1
      ) &
      bg+=($!)
    else
      [[ -f "$(pid_file "$s")" ]] && log "$s: removing stale pid file"
      log "$s: not running"
    fi
  done
  for p in "${bg[@]}"; do wait "$p" || rc=1; done
  for s in "${order[@]}"; do
    if ! server_pid "$s" >/dev/null; then rm -f "$(pid_file "$s")" "$RUN_DIR/$s.env"; fi
  done
  write_env_file
  ((rc == 0)) || warn "some servers had to be killed (see above)"
}

# ------------------------------------------------------------------------------------------- status
cmd_status() {
  select_servers "$@"
  local s pid all_ok=0 health rss up
  if command -v node >/dev/null; then load_effective_env; fi
  printf '%-11s %-8s %-8s %-26s %8s %8s %9s  %s\n' SERVER VERSION STATE ADDRESS PID RSS_MiB UPTIME HEALTH
  for s in "${SERVERS[@]}"; do
    if pid="$(server_pid "$s")"; then
      rss="$(mib "$(rss_kib "$pid")")"
      up="$(ps -o etime= -p "$pid" | tr -d ' ')"
      health="$(cd "$LOCAL_DIR" && node health.mjs "$s" 2>&1 | tail -n 1)" || all_ok=3
      printf '%-11s %-8s %-8s %-26s %8s %8s %9s  %s\n' "$s" "$("${s}_version")" up "$(server_address "$s")" "$pid" "$rss" "$up" "$health"
    else
      printf '%-11s %-8s %-8s %-26s %8s %8s %9s  %s\n' "$s" "$("${s}_version")" down "$(server_address "$s")" - - - -
      all_ok=3
    fi
  done
  return "$all_ok"
}

# ------------------------------------------------------------------------------------------- logs
cmd_logs() {
  local follow=0 lines=50
  while (($#)); do
    case "$1" in
      -f | --follow) follow=1 ;;
      -n) lines="$2"; shift ;;
      *) break ;;
    esac
    shift
  done
  select_servers "$@"
  local files=() s
  for s in "${SERVERS[@]}"; do files+=("$LOG_DIR/$s.log"); done
  if ((follow)); then
    exec tail -n "$lines" -F "${files[@]}"
  fi
  for s in "${SERVERS[@]}"; do
    echo "==> $LOG_DIR/$s.log <=="
    tail -n "$lines" "$LOG_DIR/$s.log" 2>/dev/null || echo "(no log yet)"
    echo
  done
}

cmd_env() {
  write_env_file
  cat "$INFRA_DIR/env.sh"
}

cmd_fetch() {
  select_servers "$@"
  take_lock
  do_fetch "${SERVERS[@]}"
  local s f t
  for s in "${SERVERS[@]}"; do
    read -r f t <"$RUN_DIR/$s.fetch"
    if [[ "$f" == 1 ]]; then log "$s: fetched in ${t}s"; else log "$s: already cached"; fi
  done
}

cmd_reset() {
  select_servers "$@"
  cmd_down "${SERVERS[@]}"
  local s
  for s in "${SERVERS[@]}"; do
    case "$s" in
      kafka) rm -rf "${KAFKA_HOME:?}/data" ;;
      opensearch) rm -rf "${OS_STATE:?}/data" ;;
      neo4j) rm -rf "${NEO4J_HOME:?}/home" ;;
      milvus) rm -rf "${MILVUS_HOME:?}/data" ;;
    esac
    log "$s: data deleted"
  done
}

main() {
  local cmd="${1:-}"
  (($#)) && shift
  case "$cmd" in
    up | start) cmd_up "$@" ;;
    down | stop) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    logs) cmd_logs "$@" ;;
    env) cmd_env ;;
    fetch) cmd_fetch "$@" ;;
    restart)
      cmd_down "$@"
      exec 9>&-
      cmd_up "$@"
      ;;
    reset) cmd_reset "$@" ;;
    -h | --help | help) usage 0 ;;
    *) usage 2 >&2 ;;
  esac
}

main "$@"
