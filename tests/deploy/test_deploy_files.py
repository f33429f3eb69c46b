"""The deployment files agree with each other and with the commands the tests run: the
Dockerfile's CMD is the replicas' command, the Kubernetes pods run the same, the committed
HAProxy file is what deploy/lecture_hall.py writes and HAProxy accepts it. (Docker cannot run
here; tests/deploy/test_container.py runs the image's files and commands without it.)"""
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import instructions
from deploy import healthcheck
from deploy.lecture_hall import COOKIE, arguments, haproxy_config, replica_command

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"


def test_the_image_is_slim_python_with_one_blas_thread_and_the_apps_port():
    (base,) = instructions("FROM")
    assert re.fullmatch(r"python:3\.1[2-9]-slim", base)
    env = " ".join(instructions("ENV"))
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        assert f"{var}=1" in env
    assert instructions("EXPOSE") == ["8501"]
    assert instructions("RUN")[0] == "pip install --no-cache-dir -r requirements.txt"


def test_the_image_runs_the_replicas_command_and_checks_its_health():
    (cmd,) = instructions("CMD")
    assert json.loads(cmd) == replica_command(8501, "0.0.0.0", python="python")
    (check,) = instructions("HEALTHCHECK")
    assert json.loads(check.split("CMD", 1)[1]) == ["python", "deploy/healthcheck.py"]
    for copy in instructions("COPY"):
        *sources, _ = copy.split()
        assert all((REPO / s).exists() for s in sources), copy


def test_the_health_check_fails_where_nothing_answers():
    assert healthcheck.healthy("http://127.0.0.1:9") is False


def test_kubernetes_pods_run_the_same_command_with_sticky_cookies():
    text = (DEPLOY / "kubernetes.yaml").read_text()
    kinds = re.findall(r"^kind: (\w+)", text, re.M)
    assert kinds == ["Deployment", "Service", "Ingress"]
    (command,) = re.findall(r"^\s+command: (\[.*\])$", text, re.M)
    (cmd,) = instructions("CMD")
    assert json.loads(command) == json.loads(cmd)
    assert "containerPort: 8501" in text
    assert text.count("httpGet: {path: /_stcore/health, port: http}") == 2
    assert 'nginx.ingress.kubernetes.io/affinity: "cookie"' in text
    assert f'nginx.ingress.kubernetes.io/session-cookie-name: "{COOKIE}"' in text
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        assert f'{{name: {var}, value: "1"}}' in text


def test_the_committed_haproxy_file_is_the_one_the_hall_runs():
    committed = (DEPLOY / "haproxy.cfg").read_text()
    assert committed == haproxy_config(8080, range(8501, 8505), "0.0.0.0")
    assert f"cookie {COOKIE} insert" in committed and "option redispatch" in committed
    assert "timeout tunnel" in committed                   # WebSockets stay open
    assert "on-marked-down shutdown-sessions" in committed  # a hung replica's pages move


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="haproxy is not installed")
def test_haproxy_accepts_the_file():
    check = subprocess.run(["haproxy", "-c", "-f", str(DEPLOY / "haproxy.cfg")],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def deploying_commands():
    """Each command line of the README's bash blocks in its "Deploying" section."""
    text = (REPO / "README.md").read_text().split("## Deploying", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", text, flags=re.S)
    return [c.strip() for block in blocks for line in block.splitlines()
            for c in line.split("&&") if c.strip()]


def test_the_readmes_deploy_commands_are_the_ones_the_tests_run():
    """Each is run by make test-deploy (the hall, pip into a venv) or checked against what it
    runs (Docker's files and port, the manifest's name), so none can drift."""
    manifest = (DEPLOY / "kubernetes.yaml").read_text()
    commands = deploying_commands()
    assert len(commands) >= 7
    for command in commands:
        words = command.split()
        if words[:2] == ["docker", "build"]:
            assert words[2:] == ["-f", "deploy/Dockerfile", "-t", "dnn-playground", "."]
        elif words[:2] == ["docker", "run"]:
            assert words[-3:] == ["-p", "8501:" + instructions("EXPOSE")[0], "dnn-playground"]
        elif words[:2] == [".venv/bin/python", "deploy/lecture_hall.py"]:
            arguments().parse_args(words[2:])
        elif words[0] == "kubectl":
            assert command in ("kubectl apply -f deploy/kubernetes.yaml",
                               "kubectl scale deployment dnn-playground --replicas=7")
            assert "name: dnn-playground" in manifest
        else:
            assert command in ("sudo apt-get install -y haproxy", "python3 -m venv .venv",
                               ".venv/bin/pip install -r requirements.txt"), command
