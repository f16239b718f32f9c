# shellcheck shell=bash
# shellcheck disable=SC2034 # FETCHED is read by infra.sh
# Apache Kafka, KRaft combined mode (broker + controller), jars from Maven Central.

KAFKA_HOME="$INFRA_DIR/kafka"

kafka_version() { echo "$KAFKA_VERSION"; }
kafka_ports() { echo "$KAFKA_PORT $KAFKA_CONTROLLER_PORT"; }

kafka_fetch() {
  local lib="$KAFKA_HOME/lib" stamp
  stamp="kafka $KAFKA_VERSION $(sha256sum "$LOCAL_DIR/kafka/pom.xml" | cut -c1-12)"
  if [[ -f "$lib/.fetched" && "$(<"$lib/.fetched")" == "$stamp" ]]; then
    return 0
  fi
  log "kafka: fetching org.apache.kafka:kafka_2.13:$KAFKA_VERSION runtime classpath from Maven Central"
  local flog="$LOG_DIR/kafka.fetch.log" tmp="$KAFKA_HOME/lib.tmp"
  mkdir -p "$KAFKA_HOME" "$LOG_DIR"
  : >"$flog"
  rm -rf "$tmp"
  if ! run_mvn "$flog" -f "$LOCAL_DIR/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    "org.apache.maven.plugins:maven-dependency-plugin:$MAVEN_DEPENDENCY_PLUGIN_VERSION:copy-dependencies" \
    -DincludeScope=runtime -DoutputDirectory="$tmp"; then
    tail_log "$flog"
    die "kafka: fetch failed (log: $flog)"
  fi
  rm -rf "$lib"
  mv "$tmp" "$lib"
  echo "$stamp" >"$lib/.fetched"
  FETCHED=1
}

kafka_start() {
  resolve_java
  local data="$KAFKA_HOME/data" props="$KAFKA_HOME/server.properties"
  mkdir -p "$data"
  sed -e "s#@HOST@#$INFRA_HOST#g" -e "s#@PORT@#$KAFKA_PORT#g" \
    -e "s#@CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g" -e "s#@DATA_DIR@#$data#g" \
    "$LOCAL_DIR/kafka/server.properties.tmpl" >"$props"
  local cp="$KAFKA_HOME/lib/*" log4j="-Dlog4j.configuration=file:$LOCAL_DIR/kafka/log4j.properties"
  if [[ ! -f "$data/meta.properties" ]]; then
    # KRaft storage must be formatted once with a cluster id (22-char base64url UUID).
    local cid
    cid="$("$JAVA_BIN" "$log4j" -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
    [[ "$cid" =~ ^[A-Za-z0-9_-]{22}$ ]] || die "kafka: could not generate a cluster id (got '$cid')"
    log "kafka: formatting KRaft storage in $data (cluster id $cid)"
    "$JAVA_BIN" "$log4j" -cp "$cp" kafka.tools.StorageTool format -t "$cid" -c "$props" --ignore-formatted \
      >>"$LOG_DIR/kafka.format.log" 2>&1 || {
      tail_log "$LOG_DIR/kafka.format.log"
      die "kafka: storage format failed"
    }
  fi
  # shellcheck disable=SC2086 # KAFKA_JAVA_OPTS is a list of JVM flags
  spawn kafka "$LOG_DIR/kafka.log" "$JAVA_BIN" $KAFKA_JAVA_OPTS \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    "$log4j" -Dkafka.logs.dir="$KAFKA_HOME/logs" \
    -cp "$cp" kafka.Kafka "$props"
}
