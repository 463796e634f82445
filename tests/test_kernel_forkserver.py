""".ci/kernel_forkserver.py: the cold build's kernels, forked from one process that has the
book's libraries imported, behave as kernels started the usual way.

A notebook executed in a forked kernel has the same outputs, byte for byte
(figures too), as in a usual one; the kernel has the usual kernel's path,
working directory, environment and signal handlers; interrupts reach it; it
dies with its proxy; without a template the usual kernel starts.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import nbclient
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("kernel_forkserver", ROOT / ".ci" / "kernel_forkserver.py")
kernel_forkserver = importlib.util.module_from_spec(spec)
spec.loader.exec_module(kernel_forkserver)

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "win32", reason="needs fork")

#: What a kernel's outputs may reveal of how it was started; each must match the usual kernel's.
PROBES = [
    "import os, sys, signal\nprint(sys.executable, sys.argv[1:2], sys.flags, sys._xoptions)",
    "print(os.getcwd())",
    "print(sys.path)",
    "print(sorted(os.environ))",
    "print({int(s): signal.getsignal(s) for s in sorted(signal.valid_signals()) if s not in (signal.SIGKILL, signal.SIGSTOP)})",
    "print(os.getpgid(0) == os.getpid(), os.getsid(0) == os.getpid())",
    "import warnings\nwarnings.warn('a warning shown in the output')",  # its cell's file name has the kernel's pid
    "import matplotlib\nprint(matplotlib.get_backend())",
    # matplotlib's inline backend, shown when the cell ends (the hook it sets in the running shell)
    "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2, 3], [3, 1, 2])\nax.set_title('drama');",
    "import pandas as pd\npd.DataFrame({'a': [1, 2], 'b': ['x', 'y']})",
    "import numpy as np\nprint(np.random.default_rng(20251).integers(0, 100, 5))",
    "import sys\nprint('to stderr', file=sys.stderr)",
]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = Path(os.path.realpath(tmp_path_factory.mktemp("kernels")))
    started = kernel_forkserver.Template(str(folder / "template"))
    assert started.process is not None, "the template did not start"
    yield started
    started.stop()
    assert started.process.returncode == 0
    assert not (folder / "template").exists(), "the template left its socket behind"


def execute(nb, cwd: Path, manager=None):
    options = {"kernel_manager_class": manager} if manager else {}
    nbclient.NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(cwd)}}, **options).execute()
    return nb


def probe_notebook():
    nb = new_notebook(cells=[new_code_cell(source) for source in PROBES])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def joined_streams(cell_outputs: list) -> list:
    """Outputs with consecutive text of one stream joined, as nbclient's coalesce_streams
    joins them (the committed notebooks keep the chunks as they arrived)."""
    joined = []
    for output in cell_outputs:
        if (joined and output.get("output_type") == "stream" and joined[-1].get("output_type") == "stream"
                and joined[-1]["name"] == output["name"]):
            joined[-1] = dict(joined[-1], text=joined[-1]["text"] + output["text"])
        else:
            joined.append(dict(output))
    return joined


def outputs(nb) -> list:
    """Each cell's outputs, with a stream's consecutive text joined: it may arrive in one
    message or two, in any kernel (nbval joins it too)."""
    return [joined_streams(cell.get("outputs") or []) for cell in nb.cells]


def without_pids(value):
    """Outputs with ipykernel's per-process cell file names (``ipykernel_<pid>/``) made equal:
    they differ between any two kernels."""
    import json
    import re

    return json.loads(re.sub(r"ipykernel_\d+", "ipykernel_PID", json.dumps(value)))


def test_a_forked_kernel_is_the_usual_kernel(template, tmp_path):
    # A signal ignored by the process that starts kernels (as under nohup) is ignored in a
    # usual kernel, since ignoring survives exec; a forked kernel must have it ignored too.
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        usual = execute(probe_notebook(), tmp_path)
        forked = execute(probe_notebook(), tmp_path, kernel_forkserver.forked_kernel_manager(template))
    finally:
        signal.signal(signal.SIGHUP, previous)
    for source, expected, got in zip(PROBES, without_pids(outputs(usual)), without_pids(outputs(forked))):
        assert got == expected, source
    assert forked.metadata == usual.metadata
    assert any("image/png" in output.get("data", {}) for output in outputs(forked)[8])


def test_a_chapter_reproduces_its_committed_outputs_byte_for_byte(template):
    """nbval checks the committed outputs against usual kernels (not figures: it does not
    compare PNG); here a forked kernel gives the same, figures included."""
    path = ROOT / "chapters" / "03-production-statistics.ipynb"  # short, with figures (PNG and PDF)
    committed = nbformat.read(path, as_version=4)
    forked = execute(nbformat.read(path, as_version=4), path.parent, kernel_forkserver.forked_kernel_manager(template))
    for number, (expected, got) in enumerate(zip(outputs(committed), outputs(forked))):
        assert [normalised(o) for o in got] == [normalised(o) for o in expected], f"cell {number}"
    assert any(kind.endswith("image/png") for cell in outputs(forked) for output in cell
               for kind in output.get("data", {}))


def normalised(output) -> dict:
    """An output as nbformat writes it (key order and notebook-node types aside)."""
    import json

    return json.loads(json.dumps(output, sort_keys=True))


def start_kernel(template):
    from jupyter_client.manager import KernelManager

    manager = kernel_forkserver.forked_kernel_manager(template, KernelManager)()
    manager.start_kernel()
    client = manager.blocking_client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    return manager, client


def run(client, code: str, timeout: float = 60) -> dict:
    reply = client.execute_interactive(code, timeout=timeout, output_hook=lambda message: None)
    return reply["content"]


def reply_to(client, request: str, seconds: float = 20) -> dict:
    """The shell channel's reply to ``request`` (replies to earlier requests, such as the
    start's kernel_info, may come first)."""
    deadline = time.monotonic() + seconds
    while True:
        reply = client.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
        if reply["parent_header"].get("msg_id") == request:
            return reply


def kernel_pid(client) -> int:
    client.execute_interactive("import os; pid = os.getpid()", timeout=60, output_hook=lambda m: None)
    reply = client.execute_interactive("", user_expressions={"pid": "pid"}, timeout=60)
    return int(reply["content"]["user_expressions"]["pid"]["data"]["text/plain"])


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except OSError:
        try:
            os.kill(pid, 0)
            return True
        except OSError:
            return False


def wait_until(condition, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_an_interrupt_reaches_the_forked_kernel(template):
    # Started with SIGINT ignored, as by a non-interactive shell's background job (make bench
    # under `cmd &`): the usual kernel is interrupted all the same, so the forked one must be.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        manager, client = start_kernel(template)
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        request = client.execute("import time; time.sleep(60)")
        time.sleep(1.0)
        manager.interrupt_kernel()
        reply = reply_to(client, request)
        assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt"
        # And it goes on. (ipykernel aborts requests that arrive just after an error, in
        # any kernel: a request may come back "aborted" before one is run.)
        assert wait_until(lambda: run(client, "1 + 1")["status"] == "ok", seconds=20)
    finally:
        client.stop_channels()
        manager.shutdown_kernel()
    assert manager.provisioner is None or not manager.has_kernel


def test_a_kernel_dies_with_its_proxy(template):
    manager, client = start_kernel(template)
    pid = kernel_pid(client)
    # A kernel started the usual way (the proxy's fallback, for example when preloading failed
    # because it imported what the kernel must import itself) would be the proxy's own process.
    assert pid != manager.provisioner.pid, "the kernel should be forked, not the proxy itself"
    client.stop_channels()
    manager.shutdown_kernel(now=True)  # SIGKILL to the proxy, which cannot forward it
    assert wait_until(lambda: not alive(pid)), "the forked kernel outlived its proxy"


def test_without_a_template_the_usual_kernel_starts(tmp_path):
    # What forked_kernel_manager reads of a template, with nothing listening on the socket.
    absent = SimpleNamespace(socket_path=str(tmp_path / "no-template"), options=kernel_forkserver.spec_options())
    nb = new_notebook(cells=[new_code_cell("import sys\nprint('korean_ott.migration' in sys.modules)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    execute(nb, tmp_path, kernel_forkserver.forked_kernel_manager(absent))
    assert nb.cells[0].outputs[0]["text"] == "False\n"  # nothing preloaded: a usual kernel


def test_a_kernel_of_another_interpreter_is_not_forked(tmp_path):
    assert kernel_forkserver.interpreter_options(["/usr/bin/env", "python", "-m", "ipykernel_launcher"]) is None
    # Another virtual environment's python: the same interpreter behind a link, other packages.
    other = tmp_path / "other-venv" / "bin"
    other.mkdir(parents=True)
    (other / "python").symlink_to(os.path.realpath(sys.executable))
    assert kernel_forkserver.interpreter_options([str(other / "python"), "-m", "ipykernel_launcher"]) is None
    # This environment reached through a linked folder (as make bench's scratch copies link .venv).
    linked = tmp_path / "linked-venv"
    linked.symlink_to(Path(sys.executable).parent.parent, target_is_directory=True)
    assert kernel_forkserver.interpreter_options([str(linked / "bin" / Path(sys.executable).name),
                                                  "-m", "ipykernel_launcher"]) == []
    assert kernel_forkserver.interpreter_options([sys.executable, "-Xfrozen_modules=off", "-m", "ipykernel_launcher",
                                                  "-f", "x.json"]) == ["-Xfrozen_modules=off"]
