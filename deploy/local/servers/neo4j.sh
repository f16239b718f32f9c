# shellcheck shell=bash
# shellcheck disable=SC2034 # FETCHED is read by infra.sh
# Neo4j Community 5.26 embedded with a Bolt connector (deploy/local/neo4j-launcher), jars from Maven Central.

NEO4J_HOME="$INFRA_DIR/neo4j"
NEO4J_SRC="$LOCAL_DIR/neo4j-launcher/src/main/java/engram/infra/Neo4jLauncher.java"

neo4j_version() { echo "$NEO4J_VERSION"; }
neo4j_ports() { echo "$NEO4J_PORT"; }

neo4j_fetch() {
  local lib="$NEO4J_HOME/lib" classes="$NEO4J_HOME/classes"
  local stamp
  stamp="neo4j $NEO4J_VERSION $(sha256sum "$LOCAL_DIR/neo4j-launcher/pom.xml" | cut -c1-12)"
  if [[ ! -f "$lib/.fetched" || "$(<"$lib/.fetched")" != "$stamp" ]]; then
    log "neo4j: fetching org.neo4j:neo4j:$NEO4J_VERSION runtime classpath from Maven Central"
    local flog="$LOG_DIR/neo4j.fetch.log" tmp="$NEO4J_HOME/lib.tmp"
    mkdir -p "$NEO4J_HOME" "$LOG_DIR"
    : >"$flog"
    rm -rf "$tmp"
    if ! run_mvn "$flog" -f "$LOCAL_DIR/neo4j-launcher/pom.xml" -Dneo4j.version="$NEO4J_VERSION" \
      "org.apache.maven.plugins:maven-dependency-plugin:$MAVEN_DEPENDENCY_PLUGIN_VERSION:copy-dependencies" \
      -DincludeScope=runtime -DoutputDirectory="$tmp"; then
      tail_log "$flog"
      die "neo4j: fetch failed (log: $flog)"
    fi
    rm -rf "$lib" "$classes"
    mv "$tmp" "$lib"
    echo "$stamp" >"$lib/.fetched"
    FETCHED=1
  fi
  # (Re)compile the launcher when its source or the jars changed.
  local cstamp
  cstamp="$stamp $(sha256sum "$NEO4J_SRC" | cut -c1-12)"
  if [[ ! -f "$classes/.built" || "$(<"$classes/.built")" != "$cstamp" ]]; then
    resolve_java
    [[ -x "$JAVAC_BIN" ]] || die "javac not found at $JAVAC_BIN: install a JDK (not just a JRE)"
    log "neo4j: compiling the launcher"
    rm -rf "$classes"
    mkdir -p "$classes"
    "$JAVAC_BIN" -nowarn --release 17 -encoding UTF-8 -cp "$lib/*" -d "$classes" "$NEO4J_SRC" \
      >"$LOG_DIR/neo4j.javac.log" 2>&1 || {
      tail_log "$LOG_DIR/neo4j.javac.log"
      die "neo4j: launcher compilation failed"
    }
    echo "$cstamp" >"$classes/.built"
  fi
}

neo4j_start() {
  resolve_java
  mkdir -p "$NEO4J_HOME/home"
  # JVM flags follow the defaults of Neo4j's own neo4j.conf (server.jvm.additional).
  # shellcheck disable=SC2086 # NEO4J_JAVA_OPTS is a list of JVM flags
  spawn neo4j "$LOG_DIR/neo4j.log" "$JAVA_BIN" $NEO4J_JAVA_OPTS \
    -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow -XX:+DisableExplicitGC -XX:+ExitOnOutOfMemoryError \
    -Djdk.nio.maxCachedBufferSize=1024 -Dio.netty.tryReflectionSetAccessible=true \
    -Dlog4j2.disable.jmx=true -Djava.awt.headless=true \
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
    -cp "$NEO4J_HOME/lib/*:$NEO4J_HOME/classes" engram.infra.Neo4jLauncher \
    --home "$NEO4J_HOME/home" --host "$INFRA_HOST" --port "$NEO4J_PORT" --pagecache "$NEO4J_PAGECACHE"
}
