# shellcheck shell=bash
# shellcheck disable=SC2034 # globals here are used by infra.sh and servers/*.sh
# Shared configuration and helpers for deploy/local/infra.sh. Sourced, never executed.

LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_ROOT="$(cd "$LOCAL_DIR/../.." && pwd)"
# shellcheck source=/dev/null
source "$LOCAL_DIR/versions.env"

ALL_SERVERS=(kafka opensearch neo4j milvus)

# ---------------------------------------------------------------- configuration (env overridable)
INFRA_DIR="${ENGRAM_INFRA_DIR:-$REPO_ROOT/.cache/infra}"
LOG_DIR="$INFRA_DIR/logs"
RUN_DIR="$INFRA_DIR/run"
M2_DIR="${ENGRAM_INFRA_M2:-$INFRA_DIR/m2}"

INFRA_HOST="${ENGRAM_INFRA_HOST:-127.0.0.1}"
KAFKA_PORT="${ENGRAM_KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${ENGRAM_KAFKA_CONTROLLER_PORT:-9093}"
OPENSEARCH_PORT="${ENGRAM_OPENSEARCH_PORT:-9200}"
OPENSEARCH_TRANSPORT_PORT="${ENGRAM_OPENSEARCH_TRANSPORT_PORT:-9300}"
NEO4J_PORT="${ENGRAM_NEO4J_BOLT_PORT:-7687}"
MILVUS_PORT="${ENGRAM_MILVUS_PORT:-19530}"

# Memory: sized for a shared 2-core / 24 GiB box where other test suites run at the same time.
KAFKA_JAVA_OPTS="${ENGRAM_KAFKA_JAVA_OPTS:--Xms256m -Xmx512m}"
OPENSEARCH_HEAP="${ENGRAM_OPENSEARCH_HEAP:-512m}"
NEO4J_JAVA_OPTS="${ENGRAM_NEO4J_JAVA_OPTS:--Xms256m -Xmx512m}"
NEO4J_PAGECACHE="${ENGRAM_NEO4J_PAGECACHE:-256m}"
MILVUS_MAX_WORKERS="${ENGRAM_MILVUS_MAX_WORKERS:-4}"

OPENSEARCH_USER="${ENGRAM_OPENSEARCH_USER:-engram-os}"
START_TIMEOUT="${ENGRAM_INFRA_START_TIMEOUT:-180}"
STOP_TIMEOUT="${ENGRAM_INFRA_STOP_TIMEOUT:-30}"
LOG_TAIL_LINES="${ENGRAM_INFRA_LOG_TAIL:-80}"

# ---------------------------------------------------------------- output helpers
log() { printf '[infra %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
warn() { printf '[infra %s] WARNING: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  printf '[infra %s] ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2
  exit 1
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

is_server() {
  local s
  for s in "${ALL_SERVERS[@]}"; do [[ "$s" == "$1" ]] && return 0; done
  return 1
}

# Print the last lines of a file to stderr, framed.
tail_log() {
  local file="$1" lines="${2:-$LOG_TAIL_LINES}"
  if [[ -s "$file" ]]; then
    printf -- '----- last %s lines of %s -----\n' "$lines" "$file" >&2
    tail -n "$lines" "$file" >&2
    printf -- '----- end of %s -----\n' "$file" >&2
  else
    printf -- '(%s is empty or missing)\n' "$file" >&2
  fi
}

# ---------------------------------------------------------------- toolchains
resolve_java() {
  [[ -n "${JAVA_BIN:-}" ]] && return 0
  local home="${ENGRAM_JAVA_HOME:-${JAVA_HOME:-}}"
  if [[ -z "$home" ]]; then
    local j
    j="$(command -v java 2>/dev/null)" || die "java not found: install JDK 17 (Debian: apt-get install openjdk-17-jdk-headless) or set ENGRAM_JAVA_HOME"
    home="$(dirname "$(dirname "$(readlink -f "$j")")")"
  fi
  [[ -x "$home/bin/java" ]] || die "no java at $home/bin/java (ENGRAM_JAVA_HOME/JAVA_HOME)"
  JAVA_HOME_RESOLVED="$home"
  JAVA_BIN="$home/bin/java"
  JAVAC_BIN="$home/bin/javac"
  local ver major
  ver="$("$JAVA_BIN" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ { print $2 }')"
  major="${ver%%.*}"
  JAVA_MAJOR="$major"
  if [[ "$major" != 17 && "$major" != 21 ]]; then
    warn "java at $home is version $ver; these pins are tested on 17 (Neo4j 5.26 supports 17/21 only). Set ENGRAM_JAVA_HOME to a JDK 17."
  fi
}

resolve_mvn() {
  MVN_BIN="$(command -v mvn 2>/dev/null)" || die "mvn not found: install Maven 3.8+ (Debian: apt-get install maven)"
}

# mvn with the repo-local cache; output to the given fetch log.
run_mvn() {
  local fetch_log="$1"
  shift
  resolve_mvn
  resolve_java
  mkdir -p "$M2_DIR"
  JAVA_HOME="$JAVA_HOME_RESOLVED" "$MVN_BIN" -B -ntp -Dmaven.repo.local="$M2_DIR" "$@" >>"$fetch_log" 2>&1
}

resolve_node() {
  NODE_BIN="$(command -v node 2>/dev/null)" || die "node not found (needed for the health probes)"
  if ! (cd "$LOCAL_DIR" && "$NODE_BIN" -e "require.resolve('kafkajs'); require.resolve('neo4j-driver'); require.resolve('@zilliz/milvus2-sdk-node'); require.resolve('@opensearch-project/opensearch')" 2>/dev/null); then
    die "npm clients not installed: run 'pnpm install' at the repo root (health probes use kafkajs, neo4j-driver, @zilliz/milvus2-sdk-node, @opensearch-project/opensearch)"
  fi
}

# ---------------------------------------------------------------- process helpers
pid_file() { echo "$RUN_DIR/$1.pid"; }

# Echo the pid of a running server that WE started (pid file + process alive + its command line
# mentions our cache dir, so a recycled pid is never mistaken for ours). Returns 1 otherwise.
server_pid() {
  local f pid
  f="$(pid_file "$1")"
  [[ -f "$f" ]] || return 1
  pid="$(<"$f")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$INFRA_DIR" || return 1
  echo "$pid"
}

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

# True if something accepts TCP connections on host:port.
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# Start a command detached (own session, stdin from /dev/null, stdout+stderr to the log), record its pid.
# The pid written is the pid of the exec'd command itself, so `kill` reaches the server directly.
spawn() {
  local name="$1" logfile="$2"
  shift 2
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  [[ -f "$logfile" ]] && mv -f "$logfile" "$logfile.prev"
  printf '=== %s start %s: %s\n' "$name" "$(date -u +%FT%TZ)" "$*" >"$logfile"
  local pf
  pf="$(pid_file "$name")"
  rm -f "$pf"
  # 9>&- : do not leak infra.sh's lock fd into the server (it would hold the lock forever)
  # shellcheck disable=SC2016 # $$/$0/$@ are expanded by the inner bash
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pf" "$@" </dev/null >>"$logfile" 2>&1 9>&- &
  local i
  for i in $(seq 1 50); do
    [[ -s "$pf" ]] && break
    sleep 0.1
  done
  [[ -s "$pf" ]] || die "$name: could not record pid"
}

# Clean stop: SIGTERM, wait up to STOP_TIMEOUT, then SIGKILL.
stop_pid() {
  local name="$1" pid="$2" timeout="${3:-$STOP_TIMEOUT}" t0 i
  t0="$(now)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    warn "$name (pid $pid) still running after ${timeout}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    STOP_HOW=killed
  else
    STOP_HOW=clean
  fi
  STOP_SECONDS="$(elapsed "$t0" "$(now)")"
}

# ---------------------------------------------------------------- addresses / env file
server_env_line() {
  case "$1" in
    kafka) echo "export ENGRAM_KAFKA_BROKERS=$INFRA_HOST:$KAFKA_PORT" ;;
    opensearch) echo "export ENGRAM_OPENSEARCH_URL=http://$INFRA_HOST:$OPENSEARCH_PORT" ;;
    neo4j) echo "export ENGRAM_NEO4J_URI=bolt://$INFRA_HOST:$NEO4J_PORT" ;;
    milvus) echo "export ENGRAM_MILVUS_ADDRESS=$INFRA_HOST:$MILVUS_PORT" ;;
  esac
}

# The address of a running server is the one it was started with (run/<server>.env),
# otherwise the configured one.
effective_env_line() {
  if server_pid "$1" >/dev/null && [[ -s "$RUN_DIR/$1.env" ]]; then
    cat "$RUN_DIR/$1.env"
  else
    server_env_line "$1"
  fi
}

write_env_file() {
  mkdir -p "$INFRA_DIR"
  local tmp="$INFRA_DIR/env.sh.tmp.$$" s
  {
    echo "# Generated by deploy/local/infra.sh on $(date -u +%FT%TZ). Source it: . .cache/infra/env.sh"
    echo "export ENGRAM_INFRA_DIR=$INFRA_DIR"
    for s in "${ALL_SERVERS[@]}"; do effective_env_line "$s"; done
  } >"$tmp"
  mv -f "$tmp" "$INFRA_DIR/env.sh"
}

# Export the effective addresses into this shell (for the node probes).
load_effective_env() {
  local s line
  for s in "${ALL_SERVERS[@]}"; do
    line="$(effective_env_line "$s")"
    eval "$line"
  done
}
