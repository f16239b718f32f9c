# shellcheck shell=bash
# shellcheck disable=SC2034 # FETCHED is read by infra.sh
# OpenSearch 2.x from the Maven Central integ-test zip (no bundled JDK, no plugins, no security plugin).
# Must not run as root: when invoked as root we run it as $OPENSEARCH_USER (created if missing).

OS_STATE="$INFRA_DIR/opensearch"

opensearch_version() { echo "$OPENSEARCH_VERSION"; }
opensearch_ports() { echo "$OPENSEARCH_PORT $OPENSEARCH_TRANSPORT_PORT"; }
opensearch_dist() { echo "$OS_STATE/opensearch-$OPENSEARCH_VERSION"; }

opensearch_fetch() {
  local dist
  dist="$(opensearch_dist)"
  if [[ -f "$dist/.fetched" ]]; then
    return 0
  fi
  log "opensearch: fetching org.opensearch.distribution.integ-test-zip:opensearch:$OPENSEARCH_VERSION:zip from Maven Central"
  command -v unzip >/dev/null || die "unzip not found (Debian: apt-get install unzip)"
  local flog="$LOG_DIR/opensearch.fetch.log" dl="$OS_STATE/download"
  mkdir -p "$OS_STATE" "$LOG_DIR" "$dl"
  : >"$flog"
  # dependency:copy needs no project; run it from a directory without a pom.xml.
  if ! (cd "$dl" && run_mvn "$flog" \
    "org.apache.maven.plugins:maven-dependency-plugin:$MAVEN_DEPENDENCY_PLUGIN_VERSION:copy" \
    -Dartifact="org.opensearch.distribution.integ-test-zip:opensearch:$OPENSEARCH_VERSION:zip" \
    -DoutputDirectory="$dl"); then
    tail_log "$flog"
    die "opensearch: fetch failed (log: $flog)"
  fi
  rm -rf "$dist" "$OS_STATE/unzip.tmp"
  mkdir -p "$OS_STATE/unzip.tmp"
  unzip -q "$dl/opensearch-$OPENSEARCH_VERSION.zip" -d "$OS_STATE/unzip.tmp" || die "opensearch: unzip failed"
  mv "$OS_STATE/unzip.tmp/opensearch-$OPENSEARCH_VERSION" "$dist"
  rm -rf "$OS_STATE/unzip.tmp" "$dl"
  chmod -R a+rX "$dist"
  echo "opensearch $OPENSEARCH_VERSION" >"$dist/.fetched"
  FETCHED=1
}

# Decide which user runs OpenSearch; create it when we are root.
opensearch_run_as() {
  if [[ "$(id -u)" != 0 ]]; then
    OS_RUN_AS=""
    return 0
  fi
  OS_RUN_AS="$OPENSEARCH_USER"
  if ! id -u "$OS_RUN_AS" >/dev/null 2>&1; then
    command -v useradd >/dev/null || die "opensearch: running as root and useradd is missing; create a non-root user and set ENGRAM_OPENSEARCH_USER"
    log "opensearch: creating system user $OS_RUN_AS (OpenSearch refuses to run as root)"
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$OS_RUN_AS" 2>/dev/null ||
      id -u "$OS_RUN_AS" >/dev/null 2>&1 || die "opensearch: could not create user $OS_RUN_AS"
  fi
}

as_os_user() {
  if [[ -n "$OS_RUN_AS" ]]; then
    setpriv --reuid="$OS_RUN_AS" --regid="$OS_RUN_AS" --init-groups -- "$@"
  else
    "$@"
  fi
}

opensearch_start() {
  resolve_java
  opensearch_run_as
  local dist conf data logs tmp
  dist="$(opensearch_dist)"
  conf="$OS_STATE/config"
  data="$OS_STATE/data"
  logs="$OS_STATE/logs"
  tmp="$OS_STATE/tmp"
  mkdir -p "$data" "$logs" "$tmp"
  # Config dir: a copy of the distribution's, re-made when the version changes. OpenSearch writes
  # opensearch.keystore into it, so it must be writable by the user running OpenSearch.
  if [[ ! -f "$conf/.version" || "$(<"$conf/.version")" != "$OPENSEARCH_VERSION" ]]; then
    rm -rf "$conf"
    cp -r "$dist/config" "$conf"
    # The stock jvm.options writes gc logs / error files / heap dumps relative to the install dir.
    sed -i -e "s#file=logs/gc.log#file=$logs/gc.log#" -e "s#ErrorFile=logs/#ErrorFile=$logs/#" \
      -e "s#HeapDumpPath=data#HeapDumpPath=$data#" -e '/^-Xm[sx]/d' "$conf/jvm.options"
    echo "$OPENSEARCH_VERSION" >"$conf/.version"
  fi
  printf -- '-Xms%s\n-Xmx%s\n' "$OPENSEARCH_HEAP" "$OPENSEARCH_HEAP" >"$conf/jvm.options.d/engram.options"
  cat >"$conf/opensearch.yml" <<YAML
# Written by deploy/local/servers/opensearch.sh on every start; edit that script, not this file.
cluster.name: engram-local
node.name: engram-local-1
discovery.type: single-node
network.host: $INFRA_HOST
http.port: $OPENSEARCH_PORT
transport.port: $OPENSEARCH_TRANSPORT_PORT
path.data: $data
path.logs: $logs
# do not flip indices to read-only on a nearly full developer disk
cluster.routing.allocation.disk.threshold_enabled: false
bootstrap.memory_lock: false
# NOTE: no plugins.security.* settings: the integ-test zip has no security plugin and rejects them.
YAML
  if [[ -n "$OS_RUN_AS" ]]; then
    chown -R "$OS_RUN_AS:" "$conf" "$data" "$logs" "$tmp"
    if ! as_os_user test -x "$dist/bin/opensearch" || ! as_os_user test -w "$data"; then
      die "opensearch: user $OS_RUN_AS cannot reach $dist or $data (is a parent directory mode 0700, e.g. /root?). Put the cache elsewhere with ENGRAM_INFRA_DIR=/some/shared/dir"
    fi
  fi
  # bin/opensearch execs java in the foreground, and setpriv execs without forking, so the
  # recorded pid is the JVM's.
  local cmd=()
  [[ -n "$OS_RUN_AS" ]] && cmd+=(setpriv --reuid="$OS_RUN_AS" --regid="$OS_RUN_AS" --init-groups --)
  cmd+=(env HOME="$OS_STATE" JAVA_HOME="$JAVA_HOME_RESOLVED" OPENSEARCH_JAVA_HOME="$JAVA_HOME_RESOLVED"
    OPENSEARCH_PATH_CONF="$conf" OPENSEARCH_TMPDIR="$tmp" OPENSEARCH_JAVA_OPTS=""
    "$dist/bin/opensearch")
  spawn opensearch "$LOG_DIR/opensearch.log" "${cmd[@]}"
}
