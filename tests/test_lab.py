"""``make lab`` starts JupyterLab on ``chapters/`` with the project's kernel.

The test runs the real target (``make -o .venv/bin/.installed lab``, so the
environment is never remade) headless on a free loopback port with a random
token, polls ``/api/status`` until the server answers, checks that it serves
the chapters and that its default kernel is this ``.venv``'s Python, starts a
kernel through the server and runs code in it that imports the book's
packages, and stops the server. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
CHAPTER = "01-weak-hero-class.ipynb"

pytestmark = [
    pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed"),
    pytest.mark.skipif(not (VENV / "bin" / "jupyter-lab").exists(),
                       reason="JupyterLab is not installed in .venv (`make lab` installs it)"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def api(base: str, token: str, path: str, method: str = "GET", body: dict | None = None):
    request = urllib.request.Request(f"{base}{path}", method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        raw = response.read()
        return response.status, (json.loads(raw) if raw else None)


@pytest.fixture
def lab(tmp_path):
    port, token = free_port(), secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    runtime = tmp_path / "runtime"
    env["JUPYTER_RUNTIME_DIR"] = str(runtime)  # no stray server files in the user's folder
    log = tmp_path / "lab.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            ["make", "--no-print-directory", "-o", ".venv/bin/.installed", "lab", f"LAB_PORT={port}",
             f"LAB_FLAGS=--IdentityProvider.token={token} --ServerApp.open_browser=False"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None:
                pytest.fail(f"make lab exited with {server.returncode}:\n{log.read_text()[-3000:]}")
            try:
                status, _ = api(base, token, "/api/status")
                if status == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterLab did not answer within 90 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield base, token, runtime
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def test_make_lab_serves_the_chapters_with_the_project_kernel(lab):
    base, token, runtime = lab
    _, status = api(base, token, "/api/status")
    assert "started" in status

    _, listing = api(base, token, "/api/contents/")
    names = {item["name"] for item in listing["content"]}
    assert CHAPTER in names, f"the server's root is not chapters/: {sorted(names)}"

    page = urllib.request.Request(f"{base}/lab", headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(page, timeout=10) as response:
        assert response.status == 200 and b"JupyterLab" in response.read()

    _, specs = api(base, token, "/api/kernelspecs")
    default = specs["kernelspecs"][specs["default"]]
    argv = default["spec"]["argv"]
    assert Path(argv[0]).parent.resolve() == (VENV / "bin").resolve(), f"default kernel is not .venv's Python: {argv}"
    notebook_kernel = json.loads((ROOT / "chapters" / CHAPTER).read_text(encoding="utf-8"))["metadata"]["kernelspec"]
    assert notebook_kernel["name"] in specs["kernelspecs"], "the chapters' kernel name is not offered"
    assert specs["kernelspecs"][notebook_kernel["name"]]["spec"]["argv"][0] == argv[0]

    status, kernel = api(base, token, "/api/kernels", "POST", {"name": notebook_kernel["name"]})
    assert status == 201, kernel
    try:
        # Run code in the server's kernel, as a student's notebook would.
        from jupyter_client import BlockingKernelClient

        connection = runtime / f"kernel-{kernel['id']}.json"
        deadline = time.monotonic() + 30
        while not connection.exists():
            assert time.monotonic() < deadline, f"no connection file {connection.name}"
            time.sleep(0.2)
        client = BlockingKernelClient(connection_file=str(connection))
        client.load_connection_file()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=90)
            printed = []
            reply = client.execute_interactive(
                "import sys, korean_ott, pandas, statsmodels, seaborn; print(sys.executable)", timeout=120,
                output_hook=lambda msg: printed.append(msg["content"].get("text", "")))
        finally:
            client.stop_channels()
        assert reply["content"]["status"] == "ok", reply["content"]
        executable = "".join(printed).strip()
        assert Path(executable).parent.resolve() == (VENV / "bin").resolve(), executable
    finally:
        api(base, token, f"/api/kernels/{kernel['id']}", "DELETE")
