"""Run `milvus-lite server` with a clean shutdown on SIGTERM.

milvus_lite.adapter.grpc.server.run_server() only shuts down gracefully (drain requests, close the
DB) on KeyboardInterrupt. A process started in the background by a non-interactive shell inherits
SIGINT as *ignored*, and Python's default SIGTERM action kills without cleanup, so map both
SIGTERM and SIGINT to KeyboardInterrupt here. Arguments are passed to `milvus-lite server`.
"""

import signal
import sys


def _interrupt(signum, frame):  # noqa: ARG001
    raise KeyboardInterrupt


signal.signal(signal.SIGTERM, _interrupt)
signal.signal(signal.SIGINT, _interrupt)

from milvus_lite.cmdline import main  # noqa: E402

sys.exit(main(["server", *sys.argv[1:]]))
