"""All-or-nothing output: every file of a command appears together, or none does.

Each output is written in full to a temporary file beside its target (an
unnamed ``O_TMPFILE`` where the system has it, so even ``kill -9`` leaves no
debris; else a hidden ``.NAME.PID.xxxx.tmp``), flushed and synced. Only when
every output of the command has been written are they moved into place:
a new target is *claimed* with a hard link, which fails if the name exists, so
two processes racing for one name end with one success and one clear error;
a target replaced with ``--force`` is renamed over, its old bytes kept aside
until every output is in place. Any failure, ``SIGTERM`` or ``SIGHUP`` on the
way removes the temporary files, the links made so far and the folders the
command created, and restores replaced files.

This module imports nothing heavy, so the CLI can open a transaction for every
command without slowing ``--help``.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import gc
import os
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from scorer.errors import OutputError, Problem
from scorer.io.limits import file_kind, os_reason, refuse_control_characters

Writer = Callable[[Path], None]
_O_TMPFILE = getattr(os, "O_TMPFILE", 0)
_TERMINATING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class Terminated(SystemExit):
    """Raised in the main thread by SIGTERM or SIGHUP while outputs are pending, so they are cleaned up."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signum = signum


def _failure(path: Path, message: str, code: str = "output.write") -> OutputError:
    return OutputError(Problem(code, message, file=str(path)))


def check_target(path: Path, *, force: bool, inputs: tuple[Path, ...] = ()) -> None:
    """Refuse to overwrite an input, an existing file without force, a folder, or a name in a missing folder."""
    refuse_control_characters(path, error=OutputError, code="output.name")
    for src in inputs:
        with contextlib.suppress(OSError):
            if src.exists() and os.path.samefile(src, path):
                raise _failure(path, "should not be one of the input files; choose another name", "output.is_input")
        with contextlib.suppress(OSError):
            if src.resolve() == path.resolve():
                raise _failure(path, "should not be one of the input files; choose another name", "output.is_input")
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise _failure(path, f"cannot be written ({os_reason(exc)})", "output.folder") from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise _failure(path, f"should be a file name, but it is {file_kind(info.st_mode)}", "output.folder")
    if info is not None and not force:
        raise _failure(path, "already exists; use --force to replace it", "output.exists")
    parent = path.parent
    if not parent.exists():
        raise _failure(path, f"the folder {str(parent)!r} does not exist", "output.folder")
    if not parent.is_dir():
        raise _failure(path, f"the folder {str(parent)!r} is a file, not a folder", "output.folder")


@dataclass
class _Staged:
    target: Path
    force: bool
    fd: int | None = None  # an unnamed O_TMPFILE, or None
    tmp: Path | None = None  # a named temporary file, or None
    mode: int = 0o644

    def source(self) -> str:
        return f"/proc/self/fd/{self.fd}" if self.fd is not None else str(self.tmp)


@dataclass
class OutputTransaction:
    """The outputs of one command, written aside and moved into place together by :meth:`commit`."""

    staged: list[_Staged] = field(default_factory=list)
    created_dirs: list[Path] = field(default_factory=list)
    _done: list[tuple[str, Path, Path | None]] = field(default_factory=list)
    committed: bool = False
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    def make_dir(self, path: Path) -> None:
        """Create a folder (and missing parents); removed again if the command fails."""
        missing: list[Path] = []
        probe = path
        while not probe.exists():
            missing.append(probe)
            if probe.parent == probe:
                break
            probe = probe.parent
        if probe.exists() and not probe.is_dir():
            raise _failure(path, f"should be made inside a folder, but {str(probe)!r} is a file", "output.folder")
        for folder in reversed(missing):
            try:
                folder.mkdir()
            except FileExistsError:
                if not folder.is_dir():
                    raise _failure(folder, "should be a folder, but it is a file", "output.folder") from None
                continue
            except OSError as exc:
                raise _failure(folder, f"cannot be created ({os_reason(exc)})", "output.folder") from None
            self.created_dirs.append(folder)

    def stage(self, path: Path, writer: Writer, *, force: bool, inputs: tuple[Path, ...] = ()) -> None:
        """Write one output aside with ``writer(temporary_path)``, checked, flushed and synced."""
        if any(s.target == path or _same_name(s.target, path) for s in self.staged):
            raise _failure(path, "should be named once, but this command writes it twice", "output.exists")
        check_target(path, force=force, inputs=inputs)
        item = _Staged(path, force, mode=_file_mode(path))
        self.staged.append(item)
        try:
            self._write(item, writer)
        except BaseException:
            self.staged.remove(item)
            _discard(item)
            raise

    def _write(self, item: _Staged, writer: Writer) -> None:
        path = item.target
        try:
            _open_temporary(item)
        except OSError as exc:
            raise _failure(path, f"cannot be written in its folder ({os_reason(exc)})") from None
        reason = _run_writer(writer, Path(item.source()))
        if reason is None:
            try:
                fd = item.fd if item.fd is not None else os.open(str(item.tmp), os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    if item.fd is None:
                        os.close(fd)
            except OSError as exc:
                reason = os_reason(exc)
        if reason is not None:
            raise _failure(path, f"cannot be written ({reason}); nothing was written")

    def commit(self) -> None:
        """Move every staged output into place, or none of them.

        SIGTERM and SIGHUP are held back while names are linked, replaced and
        their backups removed (a few system calls), so a signal cannot strand a
        backup or half a set; it takes effect as soon as the outputs are in place.
        """
        with _signals_held():
            try:
                for item in sorted(self.staged, key=lambda s: s.force):  # claim new names first: they may be taken
                    self._place(item)
            except BaseException:
                self._undo()
                raise
            for _kind, _target, backup in self._done:
                if backup is not None:
                    with contextlib.suppress(OSError):
                        backup.unlink()
            # committed: a signal delivered when the block ends must not undo what is now in place
            self._done.clear()
            self.created_dirs.clear()
            self.committed = True
        self._discard_temporaries()
        for folder in {s.target.parent for s in self.staged}:
            _sync_folder(folder)
        self.staged.clear()
        actions, self.after_commit = self.after_commit, []
        for action in actions:
            action()

    def _place(self, item: _Staged) -> None:
        target = item.target
        try:
            if not item.force:
                _claim(item)
                self._done.append(("claimed", target, None))
                return
            backup = None
            # a backup is needed only to restore this file if a later forced output fails to be put in place;
            # new names are claimed first, so a single forced output is replaced atomically without one
            if target.exists() and sum(s.force for s in self.staged) > 1:
                backup = _hidden_name(target, "old")
                os.link(target, backup)
            named = item.tmp if item.tmp is not None else _hidden_name(target, "new")
            if item.fd is not None:
                _link_unnamed(item.fd, named)
                item.tmp = named
            os.replace(named, target)
            self._done.append(("replaced", target, backup))
        except FileExistsError:
            raise _failure(
                target,
                "already exists (another process wrote it meanwhile); use --force to replace it",
                "output.exists",
            ) from None
        except OSError as exc:
            raise _failure(target, f"cannot be put in place ({os_reason(exc)}); nothing was written") from None

    def _undo(self) -> None:
        for _kind, target, backup in reversed(self._done):
            with contextlib.suppress(OSError):
                if backup is not None:
                    os.replace(backup, target)
                else:
                    target.unlink()
        self._done.clear()
        self.rollback()

    def rollback(self) -> None:
        """Remove every temporary file and every folder this transaction created."""
        self._discard_temporaries()
        for folder in reversed(self.created_dirs):
            with contextlib.suppress(OSError):
                folder.rmdir()
        self.staged.clear()
        self.created_dirs.clear()
        self.after_commit.clear()

    def _discard_temporaries(self) -> None:
        for item in self.staged:
            _discard(item)


def _discard(item: _Staged) -> None:
    if item.fd is not None:
        with contextlib.suppress(OSError):
            os.close(item.fd)
        item.fd = None
    if item.tmp is not None:
        with contextlib.suppress(OSError):
            item.tmp.unlink()
        item.tmp = None


_current: contextvars.ContextVar[OutputTransaction | None] = contextvars.ContextVar("output_transaction", default=None)


@contextlib.contextmanager
def output_transaction(*, keep_on: tuple[type[BaseException], ...] = ()) -> Iterator[OutputTransaction]:
    """Group every output written inside the block: all are put in place at its end, or none.

    Nested blocks join the outer one. SIGTERM and SIGHUP inside the block remove
    the temporary files and exit with 128 + the signal number. An exception of a
    ``keep_on`` type (a deliberate exit, such as click's ``Exit``) still puts the
    outputs in place before it propagates.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with output_transaction():
    ...     write_bytes(folder / "a.txt", b"A", force=False)
    ...     (folder / "a.txt").exists()
    False
    >>> (folder / "a.txt").read_bytes()
    b'A'
    """
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    tx = OutputTransaction()
    token = _current.set(tx)
    previous = _install_signal_handlers()
    try:
        try:
            yield tx
        except keep_on:
            tx.commit()
            raise
        tx.commit()
    except BaseException as exc:
        tx._undo()
        if isinstance(exc, Terminated):
            done = "after the outputs were written" if tx.committed else "no output was written"
            sys.stderr.write(f"Error: stopped by signal {exc.signum}; {done}\n")
        raise
    finally:
        _current.reset(token)
        _restore_signal_handlers(previous)


def current_transaction() -> OutputTransaction | None:
    """The open transaction, if a command (or a ``with output_transaction()`` block) is running."""
    return _current.get()


def when_written(action: Callable[[], None]) -> None:
    """Run ``action`` once the open transaction's outputs are in place (now, if none is open).

    A command says "Wrote X" through this, so the line appears only when X
    really exists: never when a later output of the same command fails and
    the whole set is rolled back.

    >>> said = []
    >>> with output_transaction():
    ...     when_written(lambda: said.append("wrote"))
    ...     said
    []
    >>> said
    ['wrote']
    """
    tx = _current.get()
    if tx is None:
        action()
    else:
        tx.after_commit.append(action)


def write_atomic(path: Path, writer: Writer, *, force: bool, inputs: tuple[Path, ...] = ()) -> None:
    """Write one output through ``writer(temporary_path)``: in the open transaction, or alone, all-or-nothing."""
    tx = _current.get()
    if tx is not None:
        tx.stage(path, writer, force=force, inputs=inputs)
        return
    with output_transaction() as own:
        own.stage(path, writer, force=force, inputs=inputs)


def write_bytes(path: Path, data: bytes, *, force: bool, inputs: tuple[Path, ...] = ()) -> None:
    """Write bytes all-or-nothing (see :func:`write_atomic`)."""

    def writer(tmp: Path) -> None:
        with open(tmp, "wb") as fh:
            fh.write(data)

    write_atomic(path, writer, force=force, inputs=inputs)


def make_dir(path: Path) -> None:
    """Create a folder for outputs: inside a transaction it is removed again if the command fails."""
    tx = _current.get()
    if tx is not None:
        tx.make_dir(path)
        return
    OutputTransaction().make_dir(path)


def _same_name(a: Path, b: Path) -> bool:
    return os.path.abspath(a) == os.path.abspath(b)


def _hidden_name(target: Path, what: str) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.{what}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    os.unlink(name)
    return Path(name)


def _reclaim_stale(target: Path) -> None:
    """Remove hidden temporaries of ``target`` left by a process that no longer runs.

    ``kill -9`` cannot be caught: a process killed between naming a temporary
    and renaming it leaves ``.NAME.PID....tmp``. Its PID is in the name, so the
    next write of the same target removes it once that process is gone.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / ".out.csv.999999999.new.abc.tmp").write_text("x")
    >>> _reclaim_stale(folder / "out.csv"); sorted(p.name for p in folder.iterdir())
    []
    """
    prefix = f".{target.name}."
    try:
        names = [n for n in os.listdir(target.parent) if n.startswith(prefix) and n.endswith(".tmp")]
    except OSError:
        return
    for name in names:
        pid = name[len(prefix) :].split(".", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        with contextlib.suppress(OSError):
            os.unlink(target.parent / name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return pid < 2**22
    return True


def _open_temporary(item: _Staged) -> None:
    _reclaim_stale(item.target)
    if _O_TMPFILE and os.path.isdir("/proc/self/fd"):
        try:
            item.fd = os.open(item.target.parent, _O_TMPFILE | os.O_RDWR, 0o600)
            os.fchmod(item.fd, item.mode)
            return
        except OSError:
            item.fd = None  # the file system has no unnamed files: use a hidden name
    fd, name = tempfile.mkstemp(prefix=f".{item.target.name}.{os.getpid()}.", suffix=".tmp", dir=item.target.parent)
    item.tmp = Path(name)
    try:
        os.fchmod(fd, item.mode)
    finally:
        os.close(fd)


def _claim(item: _Staged) -> None:
    """Put a new output in place only if its name is free: a hard link fails if the name exists."""
    try:
        if item.fd is not None:
            _link_unnamed(item.fd, item.target)
        else:
            os.link(str(item.tmp), item.target)
        return
    except FileExistsError:
        raise
    except OSError:
        if item.fd is not None:
            raise
    # no hard links on this file system: claim the name with O_EXCL, then rename over the claim
    fd = os.open(item.target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    try:
        os.replace(str(item.tmp), item.target)
    except OSError:
        item.target.unlink()
        raise
    item.tmp = None


def _link_unnamed(fd: int, target: Path) -> None:
    """Give an ``O_TMPFILE`` file a name: ``linkat`` with ``AT_SYMLINK_FOLLOW`` on its /proc entry.

    Python calls ``linkat`` (not ``link``, which would try to link the /proc
    symlink itself) only when a folder descriptor is given.
    """
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.link(f"/proc/self/fd/{fd}", target.name, src_dir_fd=folder, dst_dir_fd=folder, follow_symlinks=True)
    finally:
        os.close(folder)


def _run_writer(writer: Writer, tmp: Path) -> str | None:
    """Run a writer; an OS error (full disk, file-size limit) becomes a reason, with no finaliser noise.

    A writer that fails half-way may leave an open zip file whose finaliser would
    print "Exception ignored in ZipFile.__del__" with a traceback when it tries
    to finish into the full disk; those finalisers run here, silenced.
    """
    try:
        writer(tmp)
    except Exception as exc:
        failure = _as_os_error(exc)
        if failure is None:
            raise
        reason = os_reason(failure)
        hook = sys.unraisablehook
        sys.unraisablehook = _ignore_unraisable
        try:
            link: BaseException | None = exc
            while link is not None:
                link.__traceback__ = None
                link = link.__context__ or link.__cause__
            del exc
            gc.collect()
        finally:
            sys.unraisablehook = hook
        return reason
    return None


def _as_os_error(exc: BaseException) -> OSError | None:
    """The operating-system error behind a writer's failure, if that is what it is.

    lxml (which openpyxl writes through) reports a full disk as
    ``SerialisationError("IO_ENOSPC")`` rather than an OSError.
    """
    if isinstance(exc, OSError):
        return exc
    text = str(exc)
    if type(exc).__name__ == "SerialisationError" and text.startswith("IO_"):
        code = getattr(errno, text[3:], None)
        return OSError(code, text) if isinstance(code, int) else OSError(errno.EIO, text)
    return None


def _ignore_unraisable(_info: Any) -> None:
    return None


def _file_mode(path: Path) -> int:
    """The replaced file's mode, or what a new file gets (0o666 less the umask)."""
    with contextlib.suppress(OSError):
        return os.stat(path).st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_held: dict[str, int] = {"depth": 0, "pending": 0}


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGTERM and SIGHUP back during the block; one that arrived is acted on when it ends.

    The handler itself defers (blocking the signal would not do: numerical
    libraries run threads that would receive it instead of the main thread).
    """
    _held["depth"] += 1
    try:
        yield
    finally:
        _held["depth"] -= 1
        if _held["depth"] == 0 and _held["pending"]:
            signum, _held["pending"] = _held["pending"], 0
            raise Terminated(signum)


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    if _held["depth"]:
        _held["pending"] = signum
        return
    raise Terminated(signum)


def _install_signal_handlers() -> dict[int, Any]:
    if threading.current_thread() is not threading.main_thread():
        return {}
    previous: dict[int, Any] = {}
    for sig in _TERMINATING_SIGNALS:
        try:
            current = signal.getsignal(sig)
            if current in (signal.SIG_DFL, None):
                previous[sig] = signal.signal(sig, _on_signal)
        except (ValueError, OSError):
            continue
    return previous


def _restore_signal_handlers(previous: dict[int, Any]) -> None:
    for sig, handler in previous.items():
        with contextlib.suppress(ValueError, OSError):
            signal.signal(sig, handler)
