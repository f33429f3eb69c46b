"""A lecture hall on one machine: N replicas of the app behind HAProxy, sticky by cookie.

    python deploy/lecture_hall.py --replicas 4 --port 8080      # then open http://<host>:8080
    python deploy/lecture_hall.py --replicas 4 --print-config   # the HAProxy file it runs

Each replica is `streamlit run app.py` on its own port (one BLAS thread, as in the
Dockerfile); HAProxy (Debian package `haproxy`) balances new browsers by fewest connections,
then keeps each one on its replica with the `dnn_replica` cookie, because a Streamlit
session lives in one process (uploads and the live view's WebSocket need it there). When a
replica stops, its health check fails and HAProxy sends its browsers to a live one
(`option redispatch`), where the page rebuilds its run from the URL. deploy/haproxy.cfg is
this file's config for 4 replicas on ports 8501-8504, for running HAProxy as a service.
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:      # run as a script: `python deploy/lecture_hall.py`
    sys.path.insert(0, str(REPO))

from deploy.healthcheck import wait_healthy  # noqa: E402

COOKIE = "dnn_replica"
# One BLAS thread per process: multithreaded OpenBLAS made small matmuls 80x slower.
ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

CONFIG = """\
# HAProxy for DNN Playground replicas, written by deploy/lecture_hall.py (--print-config).
global
    maxconn 4096
{admin}
defaults
    mode http
    option forwardfor
    timeout connect 5s
    timeout client 1h
    timeout server 1h
    # A live view is one WebSocket that may sit idle while paused: keep it open.
    timeout tunnel 1h

frontend hall
    bind {address}:{port}
    default_backend replicas

backend replicas
    balance leastconn
    # Sticky sessions: a Streamlit session lives in one replica's memory.
    cookie {cookie} insert indirect nocache httponly
    option httpchk GET /_stcore/health
    http-check expect status 200
    # A request for a replica that refuses it is sent to a live one (cookie and all).
    option redispatch
    retries 2
    # Two missed checks a second apart mark a replica down (one slow answer on a busy
    # machine does not move its browsers); its open WebSockets are then closed, so its
    # pages reconnect through a live replica at once, even when it hangs rather than dies.
    timeout check 3s
    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
    # Which replica answered, for debugging (and the tests that check stickiness).
    http-response set-header X-Replica %s
{servers}
"""


def replica_command(port, address="127.0.0.1", python=sys.executable):
    """The command that serves one replica (the Dockerfile's CMD is the same after python)."""
    return [python, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
            "--server.address", address, "--server.headless", "true",
            "--server.fileWatcherType", "none"]


def haproxy_config(port, replica_ports, address="127.0.0.1", admin_socket=None):
    """The HAProxy configuration: `port` in front of replicas on 127.0.0.1:`replica_ports`;
    `admin_socket` (a path) opens HAProxy's runtime API there."""
    servers = "\n".join(f"    server r{i} 127.0.0.1:{p} check cookie r{i}"
                        for i, p in enumerate(replica_ports, start=1))
    admin = f"    stats socket {admin_socket} mode 600 level admin\n" if admin_socket else ""
    return CONFIG.format(admin=admin, address=address, port=port, cookie=COOKIE,
                         servers=servers)


def end(proc, sig=signal.SIGTERM, grace=60.0):
    """Send `proc` the signal `sig` and wait until it has exited; one that is still there
    after `grace` seconds (a crowded machine can take long to shut Streamlit down) is
    killed."""
    proc.send_signal(sig)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def free_port():
    """A TCP port on 127.0.0.1 that is free now (the system's pick), for a server to bind."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hall:
    """Replicas and HAProxy as child processes: `start()`, `stop_replica(i)`,
    `start_replica(i)`, `admin(command)`, `stop()`. `streamlit_args` go to every replica
    (e.g. ["--server.disconnectedSessionTTL", "1"]); logs are written to `log_dir`."""

    def __init__(self, replicas=2, port=None, replica_ports=None, python=sys.executable,
                 address="127.0.0.1", streamlit_args=(), log_dir=None):
        self.port = port or free_port()
        self.replica_ports = list(replica_ports or (free_port() for _ in range(replicas)))
        self.python, self.address, self.streamlit_args = python, address, list(streamlit_args)
        self.dir = Path(log_dir or tempfile.mkdtemp(prefix="lecture-hall-"))
        self.admin_socket = self.dir / "haproxy.sock"
        self.url = f"http://127.0.0.1:{self.port}"
        self.replicas, self.haproxy = {}, None

    def replica_url(self, i):
        return f"http://127.0.0.1:{self.replica_ports[i]}"

    def start_replica(self, i):
        env = dict(os.environ, **ENV)
        env.pop("PYTHONPATH", None)
        log = open(self.dir / f"replica{i + 1}.log", "a")
        proc = subprocess.Popen(replica_command(self.replica_ports[i], "127.0.0.1", self.python)
                                + self.streamlit_args, cwd=REPO, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
        self.replicas[i] = (proc, log)
        wait_healthy(self.replica_url(i), proc)

    def stop_replica(self, i, sig=signal.SIGKILL):
        """Stop replica i at once (SIGKILL: as a crashed or evicted container)."""
        proc, log = self.replicas.pop(i)
        end(proc, sig)
        log.close()

    def start(self):
        for i in range(len(self.replica_ports)):
            self.start_replica(i)
        config = self.dir / "haproxy.cfg"
        config.write_text(haproxy_config(self.port, self.replica_ports, self.address,
                                         self.admin_socket))
        log = open(self.dir / "haproxy.log", "a")
        self.haproxy = (subprocess.Popen(["haproxy", "-db", "-f", str(config)], stdout=log,
                                         stderr=subprocess.STDOUT), log)
        wait_healthy(self.url, self.haproxy[0])
        return self

    def admin(self, command):
        """One command to HAProxy's runtime API (e.g. "disable server replicas/r1")."""
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(str(self.admin_socket))
            s.sendall(command.encode() + b"\n")
            return b"".join(iter(lambda: s.recv(4096), b"")).decode()

    def stop(self):
        for i in list(self.replicas):
            self.stop_replica(i, signal.SIGTERM)
        if self.haproxy:
            proc, log = self.haproxy
            end(proc)
            log.close()
            self.haproxy = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=8080, help="HAProxy's port")
    parser.add_argument("--first-port", type=int, default=8501, help="replica 1's port")
    parser.add_argument("--address", default="0.0.0.0", help="where HAProxy listens")
    parser.add_argument("--print-config", action="store_true")
    return parser


def main(argv=None):
    args = arguments().parse_args(argv)
    ports = range(args.first_port, args.first_port + args.replicas)
    if args.print_config:
        print(haproxy_config(args.port, ports, args.address), end="")
        return
    with Hall(port=args.port, replica_ports=ports, address=args.address) as hall:
        print(f"{args.replicas} replicas behind HAProxy: open http://localhost:{hall.port} "
              f"(logs in {hall.dir}); Ctrl-C stops them.", flush=True)
        try:
            hall.haproxy[0].wait()
        except KeyboardInterrupt:
            print("Stopping the replicas and HAProxy.", flush=True)


if __name__ == "__main__":
    main()
