"""PURE PYTHON: component identities of many specs computed in helper processes, ahead of their use.

A first ingest expands every spec of a release (milliseconds each, tens of seconds in all) on one core
while the rest of the analysis waits. Helper processes (`python -m audits.identity_helper`) expand them
in parallel, in the order the analysis will ask for them. They are plain subprocesses, not
multiprocessing children, because a Celery prefork worker is a daemonic process that may not have those.

The specs are submitted as the caller reads them: the helpers start on the first ones while the rest are read.
Each helper gets the macro sets once (pickled: parent to child only), then batches of specs, and answers
each spec with its identity as JSON (never pickle: a helper runs an untrusted repository's macros and
Lua, and what it says back is data), with the names of the folder's files it read. A spec that may read
files of its folder (``%include``, ``%{load:}``) comes with them; one whose expansion wanted a file it
was not sent is answered None, and so is every spec of a helper that died: the caller expands those
itself, so the answer is always the one an in-process expansion gives.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import pickle
import struct
import subprocess
import sys
import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Iterable, Mapping, TypedDict

from .rpmspec.macrofiles import MacroSet

BATCH = 8  # specs per message: small, so that the first answers come early
AHEAD = 16  # batches a helper holds at once: it finds the next ones waiting as it answers one, not after the
# threads (which share the ingest's interpreter lock) have read that answer
MAX_ANSWER = 64 << 20  # bytes of one batch's answers that a helper may send (an identity is a few kB)
# what a helper's environment keeps of its parent's: how to run Python, never a secret
_PASSED = ("PATH", "PYTHONHOME", "LD_LIBRARY_PATH", "TMPDIR", "LANG", "LC_ALL", "LC_CTYPE", "PEDIGREE_PURE_PYTHON")
_ROOT = Path(__file__).resolve().parents[1]
_LENGTH = struct.Struct(">Q")
logger = logging.getLogger(__name__)


class Folder(TypedDict):
    """Files of a spec's folder sent with it: texts by name, and the names of those not sent (too large)."""

    texts: dict[str, str]
    withheld: list[str]


def send(stream: IO[bytes], payload: bytes) -> None:
    stream.write(_LENGTH.pack(len(payload)) + payload)
    stream.flush()


def encode_batch(specs: list[tuple[str, Folder | None]]) -> bytes:
    """A batch of specs (text, folder) as one message: a JSON list of each one's folder and text length, then the
    texts as they are (JSON would escape 90 MB of spec text, and the helper unescape it, for nothing)."""
    texts = [text.encode("utf-8", "surrogatepass") for text, _ in specs]
    head = json.dumps([[folder, len(text)] for (_, folder), text in zip(specs, texts)]).encode()
    return b"".join([_LENGTH.pack(len(head)), head, *texts])


def decode_batch(message: bytes) -> list[tuple[str, Folder | None]]:
    """The specs of an encode_batch() message."""
    end = _LENGTH.size + _LENGTH.unpack_from(message)[0]
    specs, start = [], end
    for folder, length in json.loads(message[_LENGTH.size : end]):
        specs.append((message[start : start + length].decode("utf-8", "surrogatepass"), folder))
        start += length
    return specs


def receive(stream: IO[bytes], limit: int | None = None) -> bytes | None:
    """One message, or None at the end of the stream (the other side closed it) or past `limit` bytes."""
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    length = _LENGTH.unpack(head)[0]
    if limit is not None and length > limit:
        return None
    payload = stream.read(length)
    return payload if len(payload) == length else None


@dataclass(eq=False)
class _Helper:
    process: subprocess.Popen[bytes]
    batches: deque[list[str]] = field(default_factory=deque)  # the keys of each batch sent and not answered yet
    sent_all: bool = False  # its writer stopped: no more batches will come
    ended: bool = False  # its reader stopped: none will be sent
    told: bool = False  # the log says it stopped answering


class IdentityPool:
    """Computes `combine(spec_identities(text))` as JSON for submitted specs in `processes` helpers (start()):
    each spec is given as (key, text, the files of its folder it may read, or None), by submit() until finish()."""

    def __init__(self, macro_sets: Mapping[str, MacroSet], processes: int):
        self._waiting: deque[tuple[str, tuple[str, Folder | None]]] = deque()  # (key, (spec text, folder)), in the order they will be asked for
        self._submitted: set[str] = set()
        self._untaken: set[str] = set()
        self._answers: dict[str, dict[str, Any] | None] = {}
        self._changed = threading.Condition()
        self._submitting = True  # until finish(): a helper with nothing to do waits for more
        self._closed = False
        self._live = 0  # helpers whose answers are still read: none left, nobody will answer what is still waiting
        self._helpers: list[subprocess.Popen[bytes]] = []
        self._setup = pickle.dumps(dict(macro_sets))
        self._processes = max(1, processes)

    @property
    def keys(self) -> frozenset[str]:
        """Every key submitted so far."""
        with self._changed:
            return frozenset(self._submitted)

    def submit(self, specs: Iterable[tuple[str, str, Folder | None]]) -> None:
        """More specs to expand, after those submitted before (a key submitted before is not sent again)."""
        with self._changed:
            for key, text, folder in specs:
                if key not in self._submitted:
                    self._waiting.append((key, (text, folder)))
                    self._submitted.add(key)
                    self._untaken.add(key)
            self._changed.notify_all()

    def finish(self) -> None:
        """Nothing more will be submitted: a helper that finds nothing waiting stops."""
        with self._changed:
            self._submitting = False
            self._changed.notify_all()

    def start(self) -> None:
        """Start the helpers, each with a thread that sends it specs and one that reads its answers. OSError or
        RuntimeError when the machine cannot (no process or thread left): the caller then closes the pool and
        expands the specs itself."""
        for _ in range(self._processes):
            helper = _Helper(self._start())
            with self._changed:
                self._helpers.append(helper.process)
                self._live += 1
            threading.Thread(target=self._read, args=(helper,), daemon=True, name="identity-pool-read").start()
            threading.Thread(target=self._write, args=(helper,), daemon=True, name="identity-pool-write").start()

    @staticmethod
    def _start() -> subprocess.Popen[bytes]:
        """A helper with an environment of its own: none of the portal's secrets (SECRET_KEY, DATABASE_URL...)
        is within reach of the repository's Lua, even if it escaped the sandbox."""
        env = {name: os.environ[name] for name in _PASSED if name in os.environ}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(_ROOT), os.environ.get("PYTHONPATH"))))
        return subprocess.Popen([sys.executable, "-m", "audits.identity_helper"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, cwd=_ROOT, env=env)

    def _write(self, helper: _Helper) -> None:
        """Send the helper its specs, AHEAD batches at most it has not answered yet."""
        stdin = helper.process.stdin
        assert stdin is not None
        try:
            send(stdin, self._setup)
            while True:
                with self._changed:
                    while not (self._closed or helper.ended) and (
                            len(helper.batches) >= AHEAD or (self._submitting and not self._waiting)):
                        self._changed.wait()
                    if self._closed or helper.ended or not self._waiting:
                        return
                    batch = [self._waiting.popleft() for _ in range(min(BATCH, len(self._waiting)))]
                    helper.batches.append([key for key, _ in batch])
                    self._changed.notify_all()  # its reader waits for it
                send(stdin, encode_batch([spec for _, spec in batch]))
        except (OSError, ValueError) as error:  # the helper is gone: its reader answers None for what it was sent
            self._gone(helper, str(error) or type(error).__name__)
        finally:
            with self._changed:
                helper.sent_all = True
                self._changed.notify_all()

    def _read(self, helper: _Helper) -> None:
        """Take the helper's answers, batch by batch, until it answered all it will be sent; then stop it."""
        stdout = helper.process.stdout
        assert stdout is not None
        try:
            while True:
                with self._changed:
                    while not helper.batches and not helper.sent_all and not self._closed:
                        self._changed.wait()
                    if not helper.batches:
                        return
                    keys = helper.batches[0]
                reply = receive(stdout, MAX_ANSWER)
                answers = json.loads(reply) if reply is not None else None
                if not isinstance(answers, list) or len(answers) != len(keys):
                    self._gone(helper, "answered nothing readable")  # its specs are expanded by the caller
                    return
                with self._changed:
                    helper.batches.popleft()
                    self._answers.update((key, answer if isinstance(answer, dict) else None)
                                         for key, answer in zip(keys, answers))
                    self._changed.notify_all()
        except (OSError, ValueError) as error:
            self._gone(helper, str(error) or type(error).__name__)
        finally:
            with self._changed:
                helper.ended = True
                for keys in helper.batches:
                    self._answers.update((key, None) for key in keys if key not in self._answers)
                helper.batches.clear()
                self._live -= 1
                self._changed.notify_all()
            _stop(helper.process)

    def _gone(self, helper: _Helper, why: str) -> None:
        """A helper stopped answering: unless the pool was closed, the operator sees why in the log (its own
        traceback, if any, is on stderr); its specs are expanded in-process (slower, the same identities)."""
        with self._changed:
            told, helper.told = helper.told, True
        if self._closed or told:  # its writer and its reader may both find it gone
            return
        try:
            status = f"exit status {helper.process.wait(timeout=1)}"
        except subprocess.TimeoutExpired:
            status = "still running"
        logger.warning("identity helper %s stopped answering (%s; %s): its specs are expanded in the ingest's "
                       "own process", helper.process.pid, why, status)

    def take(self, key: str) -> dict[str, Any] | None:
        """The identity JSON of a submitted spec, waiting for it; None: the caller expands the spec itself."""
        with self._changed:
            if key not in self._untaken:
                return None
            while key not in self._answers:
                if not self._live:
                    return None  # every helper is gone: what is still waiting is the caller's
                self._changed.wait()
            answer = self._answers.pop(key)
            self._untaken.discard(key)
            done = not self._untaken and not self._submitting
        if done:
            self.close()
        return answer

    def close(self) -> None:
        """Stop the helpers (what they were given is dropped): after the last answer, or when the analysis
        fails and nobody will ask any more."""
        with self._changed:
            self._closed = True
            self._waiting.clear()
            helpers = list(self._helpers)
            self._changed.notify_all()  # the threads waiting for more specs end
        for helper in helpers:
            _stop(helper)


def _stop(helper: subprocess.Popen[bytes]) -> None:
    if helper.poll() is None:
        helper.kill()
    helper.wait()
    for stream in (helper.stdin, helper.stdout):
        if stream is not None:
            with contextlib.suppress(OSError, ValueError):  # a batch still buffered for a helper now dead
                stream.close()
