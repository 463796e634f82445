"""Start the book's notebook kernels by forking one process that has the libraries imported.

Every kernel of a build imports the same libraries (pandas, matplotlib, seaborn,
statsmodels, scipy, frictionless, IPython, ipykernel, korean_ott): about 2 s of
CPU per notebook before its first cell, a third of a cold build's execution on
two cores. ``.ci/prefetch`` therefore starts one *template* process that imports
them once (``serve``), and launches each kernel through a small proxy
(``connect``) that asks the template to fork. The forked child becomes an
ordinary ipykernel: it takes the proxy's working directory, environment,
command-line arguments and standard streams, resets the signal handlers a new
interpreter has, runs ``ipykernel.kernelapp.launch_new_instance()`` exactly as
``python -m ipykernel_launcher`` does, and exits as an interpreter exits
(threads joined, ``atexit`` handlers run). Each notebook still runs in a new
process of its own; what it shares with the others is only the state left by
importing the modules in :data:`PRELOAD`, which a notebook importing them sees
anyway. ``tests/test_kernel_forkserver.py`` checks that a notebook executed
this way gives the same outputs, byte for byte, as in a kernel started the
usual way.

To ``jupyter_client`` the proxy is the kernel process: it forwards the signals
it receives (interrupt, terminate) to the kernel, and exits with the kernel's
status, or by the same signal. Each kernel has a supervisor process forked from
the template, which waits for it, and kills it when the proxy's connection
closes (for example when the proxy is killed), so no kernel outlives its
manager. When the template is not running, the proxy starts a normal kernel in
its place (``python -m ipykernel_launcher``), so a build never depends on it.

Linux and macOS only (``fork``, Unix sockets, file-descriptor passing). This
module imports nothing outside the standard library at its top: the proxy runs
it with ``python -I -S`` to start in milliseconds.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import sys

#: Imported once by the template; each kernel forked from it finds them imported.
PRELOAD = (
    "ipykernel.ipkernel",
    "IPython",
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "seaborn",
    "scipy.stats",
    "statsmodels.api",
    "statsmodels.formula.api",
    "frictionless",
    "myst_nb",
    "korean_ott",
)
#: Modules the kernel must import itself: ipykernel's application reads the kernel's
#: environment (JPY_PARENT_PID, its parent) when its module is imported; matplotlib's inline
#: backend hooks itself into the running IPython shell when imported.
IMPORTED_BY_THE_KERNEL = ("ipykernel.kernelapp", "matplotlib_inline.backend_inline")
#: ipykernel's own default backend, which it sets (when unset) before any notebook code runs.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
#: The signals a proxy forwards to its kernel (jupyter_client interrupts with SIGINT and
#: terminates with SIGTERM; SIGKILL cannot be caught: the closed connection then says it).
FORWARDED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2)
MAX_REQUEST = 1 << 20


# --- the template process ---------------------------------------------------------

def preload(modules=PRELOAD) -> list[str]:
    """Import ``modules`` (and every module of korean_ott) as a kernel would; the names imported."""
    import importlib
    import pkgutil

    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)  # as ipykernel's kernelapp does, before matplotlib reads it
    imported = []
    for name in modules:
        module = importlib.import_module(name)
        imported.append(name)
        if name == "korean_ott":
            for info in pkgutil.iter_modules(module.__path__, "korean_ott."):
                importlib.import_module(info.name)
                imported.append(info.name)
    early = [name for name in IMPORTED_BY_THE_KERNEL if name in sys.modules]
    if early:
        raise RuntimeError(f"preloading imported {', '.join(early)}, which the kernel must import itself")
    return imported


def serve(socket_path: str) -> None:
    """Listen on ``socket_path``, preload, then fork a supervised kernel per connection; end
    when standard input closes (the process that started the template is done or gone).

    The socket listens before the slow imports, so kernels asked for meanwhile wait in its
    queue instead of being started the usual way."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(64)
    print("listening", flush=True)
    preload()
    # What `python -m ipykernel_launcher` has on sys.path: this script's folder (sys.path[0]) removed.
    kernel_path = sys.path[1:]
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # supervisors are reaped automatically
    stdin = sys.stdin.fileno()
    while True:
        readable, _, _ = select.select([listener, stdin], [], [])
        if stdin in readable and not os.read(stdin, 4096):
            break
        if listener in readable:
            connection, _ = listener.accept()
            if os.fork() == 0:
                listener.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                _supervise(connection, kernel_path)  # does not return
            connection.close()
    listener.close()
    os.unlink(socket_path)


def _receive_request(connection: socket.socket) -> tuple[dict, list[int]]:
    message, fds, _, _ = socket.recv_fds(connection, MAX_REQUEST, 3)
    while not message.endswith(b"\n"):
        more = connection.recv(MAX_REQUEST)
        if not more:
            raise ConnectionError("the proxy closed the connection before its request ended")
        message += more
    return json.loads(message), fds


def _supervise(connection: socket.socket, kernel_path: list[str]) -> None:
    """One kernel's supervisor: fork it, forward the proxy's signals, report its exit status;
    kill it if the proxy goes away."""
    status = 1
    try:
        request, fds = _receive_request(connection)
        pid = os.fork()
        if pid == 0:
            connection.close()
            _run_kernel(request, fds, kernel_path)  # does not return
        for fd in fds:
            os.close(fd)
        connection.sendall(b"started\n")
        status = _wait_for_kernel(connection, pid)
        connection.sendall(f"{status}\n".encode())
    except Exception:  # noqa: BLE001 - the supervisor's error, reported where the kernel's stderr goes
        import traceback

        traceback.print_exc()
    finally:
        os._exit(0)


def _wait_for_kernel(connection: socket.socket, pid: int) -> int:
    """Forward signal numbers sent by the proxy; the kernel's exit status when it ends
    (a negative number for a signal, as subprocess reports it)."""
    pidfd = os.pidfd_open(pid) if hasattr(os, "pidfd_open") else None
    buffer = b""
    while True:
        watched = [connection] + ([pidfd] if pidfd is not None else [])
        readable, _, _ = select.select(watched, [], [], None if pidfd is not None else 0.05)
        done, wait_status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(wait_status)
        if connection in readable:
            data = connection.recv(4096)
            if not data:  # the proxy is gone (killed): its kernel goes too
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return -signal.SIGKILL
            buffer += data
            *numbers, buffer = buffer.split(b"\n")
            for number in numbers:
                os.kill(pid, int(number))


def _run_kernel(request: dict, fds: list[int], kernel_path: list[str]) -> None:
    """In the forked child: become the process `python -m ipykernel_launcher ARGS` would be."""
    code = 1
    try:
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        _reset_signals(set(request.get("ignored_signals", ())))
        os.setsid()  # its own session and process group, as jupyter_client starts a kernel
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.path[:] = kernel_path
        import ipykernel_launcher
        from ipykernel import kernelapp

        sys.argv = [ipykernel_launcher.__file__, *request["argv"]]
        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    except BaseException:  # noqa: BLE001 - reported as an interpreter reports an uncaught exception
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        _exit_like_an_interpreter(code)


def _settable_signals() -> list[int]:
    """Every signal whose disposition a process can set (all but SIGKILL and SIGSTOP)."""
    return sorted(int(number) for number in signal.valid_signals() if number not in (signal.SIGKILL, signal.SIGSTOP))


def _reset_signals(ignored: set[int]) -> None:
    """The signal dispositions a new interpreter started by the proxy would have: a signal
    ignored by the proxy's parent stays ignored across exec (and Python ignores SIGPIPE and
    SIGXFSZ itself); every other is default, but SIGINT, which Python handles itself."""
    for number in _settable_signals():
        try:
            signal.signal(number, signal.SIG_IGN if number in ignored else signal.SIG_DFL)
        except (OSError, ValueError):  # a signal that cannot be handled (e.g. a real-time one in use)
            pass
    if signal.SIGINT not in ignored:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _exit_like_an_interpreter(code: int) -> None:
    import atexit
    import threading

    try:
        threading._shutdown()  # what the interpreter does at exit: wait for non-daemon threads
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


# --- the proxy: the kernel process jupyter_client sees -------------------------------

def connect(socket_path: str, usual_kernel: list[str]) -> int:
    """Ask the template for the kernel ``usual_kernel`` (the kernel spec's command) would start;
    wait for it; its exit status. Without a template (none listening, or it ended before
    starting the kernel), run ``usual_kernel`` in this process's place."""
    arguments = usual_kernel[len(interpreter_options(usual_kernel)) + 3:]
    # Signals ignored now would be ignored in the usual kernel too (ignoring survives exec).
    ignored = [number for number in _settable_signals() if signal.getsignal(number) == signal.SIG_IGN]
    proxy = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        proxy.connect(socket_path)
        request = json.dumps({"argv": arguments, "cwd": os.getcwd(), "env": dict(os.environ),
                              "ignored_signals": ignored}) + "\n"
        socket.send_fds(proxy, [request.encode()], [0, 1, 2])
    except OSError:
        os.execv(usual_kernel[0], usual_kernel)

    def forward(number, _frame):
        proxy.sendall(f"{number}\n".encode())

    # Forwarded whatever this process inherited: the kernel's own dispositions (the usual
    # kernel's, see _reset_signals) decide, and ipykernel handles SIGINT itself while a cell runs.
    for number in FORWARDED_SIGNALS:
        signal.signal(number, forward)
    replies = proxy.makefile("rb")
    if replies.readline() != b"started\n":
        os.execv(usual_kernel[0], usual_kernel)
    reply = replies.readline()
    if not reply.endswith(b"\n"):
        return 1  # the supervisor ended without reporting
    status = int(reply)
    if status < 0:  # the kernel died of a signal: so does its proxy
        signal.signal(-status, signal.SIG_DFL)
        os.kill(os.getpid(), -status)
    return status


# --- for jupyter_client / nbclient ---------------------------------------------------

def _environment_of(executable: str) -> str:
    return os.path.realpath(os.path.dirname(os.path.abspath(executable)))


def interpreter_options(command: list[str]) -> list[str] | None:
    """The interpreter options of a kernel command ``[python, OPTIONS..., -m,
    ipykernel_launcher, ...]`` of this interpreter, or ``None`` for any other command."""
    # The same environment: a python in the same folder once links are resolved. (Not the
    # same binary: every virtual environment's python links to one interpreter.)
    if not command or _environment_of(command[0]) != _environment_of(sys.executable):
        return None
    for position in range(1, len(command) - 1):
        if command[position:position + 2] == ["-m", "ipykernel_launcher"]:
            return command[1:position]
    return None


def spec_options(kernel_name: str = "python3") -> list[str] | None:
    """The interpreter options of the kernel spec ``kernel_name``, if its kernel is this
    environment's ipykernel (see :func:`interpreter_options`)."""
    from jupyter_client.kernelspec import KernelSpecManager

    return interpreter_options(KernelSpecManager().get_kernel_spec(kernel_name).argv)


def forked_kernel_manager(template: "Template", base=None):
    """A kernel manager class (``base``: ``AsyncKernelManager``, nbclient's default) whose
    kernels are forked from ``template`` when their command is the template's (this
    interpreter, the same options); for nbclient's ``kernel_manager_class``."""
    if base is None:
        from jupyter_client.manager import AsyncKernelManager as base

    class ForkedKernelManager(base):
        def format_kernel_cmd(self, extra_arguments=None):
            command = super().format_kernel_cmd(extra_arguments)
            options = interpreter_options(command)
            if options is None or options != template.options:
                return command  # another kernel: started the usual way
            return [sys.executable, "-I", "-S", os.path.abspath(__file__), "connect", template.socket_path, *command]

    return ForkedKernelManager


class Template:
    """The template process (``serve``) for kernels of the kernel spec ``kernel_name``, started
    with that spec's interpreter options, listening on ``socket_path`` (by default in a new
    temporary folder, removed by :meth:`stop`). ``process`` is ``None`` when it could not
    start: kernels are then started the usual way."""

    def __init__(self, socket_path: str | None = None, kernel_name: str = "python3"):
        import subprocess
        import tempfile

        self.folder = None
        if socket_path is None:
            self.folder = tempfile.mkdtemp(prefix="kernels-")  # short: a Unix socket's path has ~100 bytes
            socket_path = os.path.join(self.folder, "template")
        self.socket_path = socket_path
        self.options = spec_options(kernel_name)
        self.process = None
        if self.options is None:
            return
        self.process = subprocess.Popen([sys.executable, *self.options, os.path.abspath(__file__), "serve", socket_path],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        if self.process.stdout.readline().strip() != b"listening":
            self.process.wait()
            self.process = None

    def stop(self) -> None:
        """End the template (kernels forked from it run on) and remove its folder."""
        import shutil

        if self.process is not None:
            self.process.stdin.close()  # the template ends when its standard input closes
            try:
                self.process.wait(timeout=30)
            except Exception:  # noqa: BLE001
                self.process.kill()
                self.process.wait()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "serve":
        serve(argv[1])
        return 0
    if len(argv) >= 2 and argv[0] == "connect":
        return connect(argv[1], argv[2:])
    print("usage: kernel_forkserver.py serve SOCKET | connect SOCKET KERNEL-COMMAND...", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
