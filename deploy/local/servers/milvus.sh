# shellcheck shell=bash
# shellcheck disable=SC2034 # FETCHED is read by infra.sh
# Milvus Lite 3.x (pure-Python Milvus-compatible gRPC server) from PyPI, in a venv under the cache.

MILVUS_HOME="$INFRA_DIR/milvus"

milvus_version() { echo "$MILVUS_LITE_VERSION"; }
milvus_ports() { echo "$MILVUS_PORT"; }

resolve_python() {
  [[ -n "${PYTHON_BIN:-}" ]] && return 0
  PYTHON_BIN="${ENGRAM_PYTHON:-$(command -v python3 2>/dev/null || true)}"
  [[ -n "$PYTHON_BIN" ]] || die "python3 not found: Milvus Lite needs Python >= 3.10 (or set ENGRAM_PYTHON)"
  PYTHON_MINOR="$("$PYTHON_BIN" -c 'import sys; print(sys.version_info[1] if sys.version_info[0] == 3 else 0)')"
  ((PYTHON_MINOR >= 10)) || die "$PYTHON_BIN is Python 3.$PYTHON_MINOR; Milvus Lite needs >= 3.10 (set ENGRAM_PYTHON)"
}

milvus_fetch() {
  resolve_python
  local venv="$MILVUS_HOME/venv" req
  # The lock was resolved on 3.11 (numpy 2.4 needs >= 3.11); older Pythons use the top-level pins.
  if ((PYTHON_MINOR >= 11)); then req="$LOCAL_DIR/milvus/requirements.lock.txt"; else req="$LOCAL_DIR/milvus/requirements.in"; fi
  local stamp
  stamp="milvus $MILVUS_LITE_VERSION py3.$PYTHON_MINOR $(sha256sum "$req" | cut -c1-12)"
  if [[ -x "$venv/bin/python" && -f "$venv/.fetched" && "$(<"$venv/.fetched")" == "$stamp" ]]; then
    return 0
  fi
  log "milvus: creating venv and installing milvus-lite==$MILVUS_LITE_VERSION pymilvus==$PYMILVUS_VERSION from PyPI"
  local flog="$LOG_DIR/milvus.fetch.log"
  mkdir -p "$MILVUS_HOME" "$LOG_DIR"
  : >"$flog"
  rm -rf "$venv"
  if ! { "$PYTHON_BIN" -m venv "$venv" &&
    "$venv/bin/python" -m pip install --disable-pip-version-check --no-input --progress-bar off -q \
      -r "$req" "milvus-lite==$MILVUS_LITE_VERSION" "pymilvus==$PYMILVUS_VERSION" &&
    "$venv/bin/python" -c 'import milvus_lite.cmdline, pymilvus.grpc_gen.milvus_pb2_grpc'; } >>"$flog" 2>&1; then
    tail_log "$flog"
    die "milvus: venv install failed (log: $flog)"
  fi
  echo "$stamp" >"$venv/.fetched"
  FETCHED=1
}

milvus_start() {
  local venv="$MILVUS_HOME/venv"
  mkdir -p "$MILVUS_HOME/data"
  spawn milvus "$LOG_DIR/milvus.log" env PYTHONUNBUFFERED=1 "$venv/bin/python" "$LOCAL_DIR/milvus/serve.py" \
    --data-dir "$MILVUS_HOME/data" --host "$INFRA_HOST" --port "$MILVUS_PORT" --max-workers "$MILVUS_MAX_WORKERS"
}
