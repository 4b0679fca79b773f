"""PURE PYTHON: the helper process of audits.identity_pool (`python -m audits.identity_helper`).

It reads the macro sets (pickled by its parent), then batches of specs (identity_pool.encode_batch: each with the
files of its folder it may read, or none), and answers each batch with, per spec, its identity JSON and the names of the
files it read, or None for a spec whose expansion wanted a file it was not sent.

Two threads read the batches and write the answers while the expansion goes on: the parent's threads share the
ingest's interpreter lock, and a full garbage collection of the ingest's heap holds it for up to half a second,
during which they neither send nor read. The batches the parent sent ahead, and the answers it has not read yet,
then wait here instead of the expansion.
"""

from __future__ import annotations

import json
import os
import pickle
import queue
import sys
import threading
from typing import IO, Any

from .identities import ComponentIdentity, combine, lua_sandbox
from .identity_pool import Folder, decode_batch, receive, send
from .rpmspec.identity import spec_identities
from .rpmspec.lua import LuaSandbox
from .rpmspec.macrofiles import MacroSet

# Below the ingest that started it: where the CPUs are fewer than the helpers plus the ingest, the ingest's own
# analysis and write are the longest path, and the helpers' answers are needed only as the write reaches them.
NICENESS = 10


def serve() -> None:
    """A helper's life: the macro sets, then batches of specs until the parent closes the pipe."""
    os.nice(NICENESS)
    answers = os.fdopen(os.dup(1), "wb")  # the protocol's own stream: nothing else may write into it
    os.dup2(2, 1)
    requests = sys.stdin.buffer
    setup = receive(requests)
    if setup is None:
        return
    macro_sets: dict[str, MacroSet] = pickle.loads(setup)
    sandbox = lua_sandbox(macro_sets)
    batches: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
    replies_out: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
    threading.Thread(target=_receive_all, args=(requests, batches), daemon=True).start()
    writer = threading.Thread(target=_send_all, args=(answers, replies_out), daemon=True)
    writer.start()
    while (message := batches.get()) is not None:
        replies: list[dict[str, Any] | None] = []
        for text, folder in decode_batch(message):
            identity, read = expand(text, folder, macro_sets, sandbox)
            replies.append(None if read is None else {"identity": identity.to_json(), "read": read})
        replies_out.put(json.dumps(replies).encode())
    replies_out.put(None)
    writer.join()


def _receive_all(requests: IO[bytes], batches: queue.SimpleQueue[bytes | None]) -> None:
    try:
        while (message := receive(requests)) is not None:
            batches.put(message)
    finally:
        batches.put(None)  # the parent closed the pipe, or died: the last batch was read


def _send_all(answers: IO[bytes], replies: queue.SimpleQueue[bytes | None]) -> None:
    while (reply := replies.get()) is not None:
        try:
            send(answers, reply)
        except OSError:  # the parent stopped reading (it closed the pool): nothing more is sent
            return


def expand(text: str, folder: Folder | None, macro_sets: dict[str, MacroSet],
           sandbox: LuaSandbox) -> tuple[ComponentIdentity, list[str] | None]:
    """The spec's identity and the names of the folder's files it read; None instead of the names when it
    wanted one it was not sent (the parent has the tree: it expands that spec itself)."""
    texts = folder["texts"] if folder is not None else {}
    withheld = set(folder["withheld"]) if folder is not None else set()
    read: list[str] = []
    wanted = False

    def read_source(name: str) -> str | None:
        nonlocal wanted
        if folder is None or name in withheld:
            wanted = True
            return None
        read.append(name)
        return texts.get(name)  # a name of no file sent: none of the folder (or one _source() cannot read)

    identity = combine(spec_identities(text, macro_sets, sandbox=sandbox, read_source=read_source))
    return identity, None if wanted else list(dict.fromkeys(read))


if __name__ == "__main__":
    serve()
