"""PURE PYTHON: the helper process of audits.identity_pool (`python -m audits.identity_helper`).

It reads the macro sets (pickled by its parent), then batches of specs as JSON, and answers each batch
with one identity JSON per spec, or None for a spec whose expansion wanted a file of its folder.
"""

from __future__ import annotations

import json
import os
import pickle
import sys
from typing import Any

from .identities import combine, lua_sandbox
from .identity_pool import receive, send
from .rpmspec.identity import spec_identities
from .rpmspec.macrofiles import MacroSet


def serve() -> None:
    """A helper's life: the macro sets, then batches of specs until the parent closes the pipe."""
    answers = os.fdopen(os.dup(1), "wb")  # the protocol's own stream: nothing else may write into it
    os.dup2(2, 1)
    requests = sys.stdin.buffer
    setup = receive(requests)
    if setup is None:
        return
    macro_sets: dict[str, MacroSet] = pickle.loads(setup)
    sandbox = lua_sandbox(macro_sets)
    while (message := receive(requests)) is not None:
        replies: list[dict[str, Any] | None] = []
        for _, text in json.loads(message):
            wanted: list[str] = []

            def read_source(name: str) -> None:
                wanted.append(name)  # the parent has the tree: it expands this spec itself

            identity = combine(spec_identities(text, macro_sets, sandbox=sandbox, read_source=read_source))
            replies.append(None if wanted else identity.to_json())
        send(answers, json.dumps(replies).encode())


if __name__ == "__main__":
    serve()
