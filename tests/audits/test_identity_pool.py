"""Identities expanded ahead in helper processes (audits.identity_pool): the same answers as in-process."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from audits import analysis, identities, identity_helper, identity_pool
from audits.azldev.tree import DirectoryTree
from audits.identities import IdentityResolver
from audits.identity_pool import IdentityPool
from tests.support.pools import watch_pools

MACROS = "%dist .azl4\n%shipped_with_the_distribution 1\n"
SPEC = """Name: pkg{n}
Version: 1.%{{lua: print({n} * 2)}}
Release: {n}%{{?dist}}
Summary: one of many
License: MIT
%ifarch aarch64
%package arm
Summary: only on aarch64
%description arm
arm
%files arm
%endif
Requires: libc%{{?_isa}}
%description
x
%files
/usr/bin/pkg{n}
"""
UNRESOLVED = """Name: shelly
Version: %(date +%%s)
Release: 1%{?dist}
Summary: runs a shell at build time
License: MIT
%description
x
%files
"""
LOADS = """%{load:%{_sourcedir}/macros.extra}
Name: loader
Version: %{extra_version}
Release: 1%{?dist}
Summary: loads a file of its folder
License: MIT
%description
x
%files
"""


def _tree(tmp_path: Path, specs: dict[str, str], extra: dict[str, str] | None = None) -> DirectoryTree:
    files = {"specs/a/azurelinux-rpm-config/macros": MACROS, **extra} if extra else {"specs/a/azurelinux-rpm-config/macros": MACROS}
    files.update({f"specs/{name}/{name}.spec": text for name, text in specs.items()})
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    return DirectoryTree(tmp_path)


def _specs(count: int) -> dict[str, str]:
    return {f"pkg{n}": SPEC.format(n=n) for n in range(count)} | {"shelly": UNRESOLVED}


def _identify_all(resolver: IdentityResolver, specs: dict[str, str], processes: int) -> dict[str, identities.ComponentIdentity]:
    items = [(name, text, hashlib.sha256(text.encode()).hexdigest()) for name, text in specs.items()]
    resolver.expand_ahead(((text, sha, f"specs/{name}") for name, text, sha in items), processes)
    try:
        return {name: resolver.identify(text, sha, f"specs/{name}") for name, text, sha in items}
    finally:
        resolver.close()


def _pool(tmp_path: Path, specs: dict[str, str]) -> IdentityPool:
    """A pool of two helpers with the macro sets of a tree of these specs, not started."""
    return IdentityPool(IdentityResolver(_tree(tmp_path, specs), "azurelinux").macro_sets, processes=2)


@pytest.fixture
def pooled_from_two(monkeypatch):
    monkeypatch.setattr(identities, "POOLED_AT", 2)


def test_helper_processes_give_the_identities_an_in_process_expansion_gives(tmp_path, pooled_from_two, monkeypatch):
    specs = _specs(30)
    tree = _tree(tmp_path, specs)
    in_process = _identify_all(IdentityResolver(tree, "azurelinux"), specs, processes=0)
    watch = watch_pools(monkeypatch)
    pooled_resolver = IdentityResolver(tree, "azurelinux")
    pooled = _identify_all(pooled_resolver, specs, processes=2)
    assert watch.answered == len(specs)  # every one from a helper
    assert pooled == in_process
    assert (pooled["pkg7"].version, pooled["pkg7"].release) == ("1.14", "7.azl4") and pooled["pkg7"].binaries[1].arches == ("aarch64",)
    assert not pooled["shelly"].complete
    assert len(pooled_resolver.fresh) == len(specs)  # kept for the identity cache, as in-process ones are


def _loader_key(resolver: IdentityResolver, text: str = LOADS) -> str:
    return resolver.key(hashlib.sha256(text.encode()).hexdigest())


def test_a_spec_that_loads_a_file_of_its_folder_is_expanded_by_a_helper_sent_the_file(tmp_path, pooled_from_two,
                                                                                      monkeypatch):
    specs = _specs(3) | {"loader": LOADS}
    tree = _tree(tmp_path, specs, {"specs/loader/macros.extra": "%extra_version 4.2\n"})
    in_process = IdentityResolver(tree, "azurelinux")
    expected = _identify_all(in_process, specs, processes=0)
    watch = watch_pools(monkeypatch)
    resolver = IdentityResolver(tree, "azurelinux")
    found = _identify_all(resolver, specs, processes=2)
    assert watch.answered == len(specs)
    assert found == expected and found["loader"].version == "4.2"
    # the cache checks the file again on reuse, as for an in-process expansion
    assert resolver.fresh[_loader_key(resolver)]["sources"] == in_process.fresh[_loader_key(in_process)]["sources"]
    assert list(resolver.fresh[_loader_key(resolver)]["sources"]) == ["macros.extra"]


def test_a_spec_of_two_components_reading_their_folders_gets_each_folders_identity(tmp_path, pooled_from_two, monkeypatch):
    specs = _specs(3) | {"alpha": LOADS, "beta": LOADS}
    tree = _tree(tmp_path, specs, {"specs/alpha/macros.extra": "%extra_version 1\n",
                                   "specs/beta/macros.extra": "%extra_version 2\n"})
    expected = _identify_all(IdentityResolver(tree, "azurelinux"), specs, processes=0)
    assert _identify_all(IdentityResolver(tree, "azurelinux"), specs, processes=2) == expected
    # asked for in another order than sent: the helper read alpha's file, beta asks first
    resolver = IdentityResolver(tree, "azurelinux")
    sha = hashlib.sha256(LOADS.encode()).hexdigest()
    resolver.expand_ahead([(text, hashlib.sha256(text.encode()).hexdigest(), f"specs/{name}") for name, text in specs.items()], 2)
    try:
        assert [resolver.identify(LOADS, sha, f"specs/{name}").version for name in ("beta", "alpha")] == ["2", "1"]
    finally:
        resolver.close()


def test_a_helper_reading_a_file_its_folder_does_not_have_gets_none_as_in_process(tmp_path, pooled_from_two,
                                                                                  monkeypatch):
    specs = _specs(3) | {"loader": LOADS}
    tree = _tree(tmp_path, specs)
    in_process = IdentityResolver(tree, "azurelinux")
    expected = _identify_all(in_process, specs, processes=0)
    watch = watch_pools(monkeypatch)
    resolver = IdentityResolver(tree, "azurelinux")
    assert _identify_all(resolver, specs, processes=2) == expected
    assert watch.answered == len(specs) and not expected["loader"].complete
    assert resolver.fresh[_loader_key(resolver)]["sources"] == {"macros.extra": None}


def test_a_helper_gets_no_text_for_a_symlink_of_the_folder_as_in_process(tmp_path, pooled_from_two, monkeypatch):
    specs = _specs(3) | {"loader": LOADS}
    tree_root = _tree(tmp_path, specs, {"specs/loader/real.macros": "%extra_version 4.2\n"}).root
    (Path(tree_root) / "specs/loader/macros.extra").symlink_to("real.macros")
    tree = DirectoryTree(tree_root)
    in_process = IdentityResolver(tree, "azurelinux")
    expected = _identify_all(in_process, specs, processes=0)
    watch = watch_pools(monkeypatch)
    resolver = IdentityResolver(tree, "azurelinux")
    assert _identify_all(resolver, specs, processes=2) == expected and expected["loader"].version != "4.2"
    assert watch.answered == len(specs)
    assert resolver.fresh[_loader_key(resolver)]["sources"] == {"macros.extra": None}


def _expand_loader(tmp_path: Path, monkeypatch, loader: str = LOADS,
                   files: dict[str, str] | None = None) -> tuple[IdentityResolver, int]:
    """A spec loading macros.extra of its folder (and `files`), beside three others, expanded with two helpers:
    the resolver, once the loader's version is checked to be the file's, and how many specs the helpers left
    to it."""
    specs = _specs(3) | {"loader": loader}
    tree = _tree(tmp_path, specs, {"specs/loader/macros.extra": "%extra_version 4.2\n", **(files or {})})
    watch = watch_pools(monkeypatch)
    resolver = IdentityResolver(tree, "azurelinux")
    assert _identify_all(resolver, specs, processes=2)["loader"].version == "4.2"
    return resolver, len(specs) - watch.answered


def test_a_spec_loading_a_file_too_large_to_send_is_expanded_by_the_caller(tmp_path, pooled_from_two, monkeypatch):
    monkeypatch.setattr(identities, "FOLDER_FILE_BYTES", 10)
    assert _expand_loader(tmp_path, monkeypatch)[1] == 1


def test_a_spec_is_sent_only_the_files_of_its_folder_its_text_names(tmp_path, pooled_from_two, monkeypatch):
    sent: dict[str, object] = {}
    submit = IdentityPool.submit

    def recorded(pool: IdentityPool, batch) -> None:
        batch = list(batch)
        sent.update((text, folder) for _, text, folder in batch)
        submit(pool, batch)

    monkeypatch.setattr(IdentityPool, "submit", recorded)
    _expand_loader(tmp_path, monkeypatch, files={"specs/loader/unrelated.tar": "not read by the spec\n"})
    assert sent[LOADS] == {"texts": {"macros.extra": "%extra_version 4.2\n"}, "withheld": ["loader.spec", "unrelated.tar"]}


def test_a_spec_reading_a_file_its_text_does_not_name_is_expanded_by_the_caller(tmp_path, pooled_from_two, monkeypatch):
    named_by_a_macro = LOADS.replace("%{load:%{_sourcedir}/macros.extra}",
                                     "%global kind extra\n%{load:%{_sourcedir}/macros.%{kind}}")
    resolver, left = _expand_loader(tmp_path, monkeypatch, named_by_a_macro)
    assert left == 1
    assert list(resolver.fresh[_loader_key(resolver, named_by_a_macro)]["sources"]) == ["macros.extra"]


def test_a_spec_loading_a_file_through_a_macro_of_the_macro_files_is_expanded_by_the_caller(tmp_path, pooled_from_two,
                                                                                           monkeypatch):
    loads_through_macro = LOADS.replace("%{load:%{_sourcedir}/macros.extra}", "%{load_extra}")
    macros = MACROS + "%load_extra %{load:%{_sourcedir}/macros.extra}\n"
    resolver, left = _expand_loader(tmp_path, monkeypatch, loads_through_macro,
                                    {"specs/a/azurelinux-rpm-config/macros": macros})
    assert left == 1  # the spec's text did not say it reads its folder: it was sent none
    assert list(resolver.fresh[_loader_key(resolver, loads_through_macro)]["sources"]) == ["macros.extra"]


def test_when_one_helper_dies_the_other_answers_and_the_ingest_expands_the_rest(tmp_path, pooled_from_two, monkeypatch,
                                                                               caplog):
    specs = _specs(20)
    tree = _tree(tmp_path, specs)
    expected = _identify_all(IdentityResolver(tree, "azurelinux"), specs, processes=0)
    started, count = IdentityPool._start, []

    def first_dies() -> object:
        helper = started()
        count.append(helper)
        if len(count) == 1:
            helper.kill()
        return helper

    monkeypatch.setattr(IdentityPool, "_start", staticmethod(first_dies))
    watch = watch_pools(monkeypatch)
    assert _identify_all(IdentityResolver(tree, "azurelinux"), specs, processes=2) == expected
    assert len(count) == 2 and watch.answered > 0
    assert "stopped answering" in caplog.text  # the operator is told why the ingest was slower


def test_a_helper_runs_below_the_priority_of_the_ingest_that_started_it(tmp_path, monkeypatch):
    started, helpers = IdentityPool._start, []
    monkeypatch.setattr(IdentityPool, "_start", staticmethod(lambda: helpers.append(started()) or helpers[-1]))
    pool = _pool(tmp_path, _specs(2))
    pool.start()
    try:
        own = os.getpriority(os.PRIO_PROCESS, 0)
        wanted = min(19, own + identity_helper.NICENESS)
        assert wanted > own or own == 19
        deadline = time.monotonic() + 30
        while any(os.getpriority(os.PRIO_PROCESS, h.pid) != wanted for h in helpers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(helpers) == 2 and [os.getpriority(os.PRIO_PROCESS, h.pid) for h in helpers] == [wanted, wanted]
    finally:
        pool.close()


def test_when_no_helper_can_start_the_specs_are_expanded_in_process(tmp_path, pooled_from_two, monkeypatch, caplog):
    specs = _specs(10)
    tree = _tree(tmp_path, specs)
    expected = _identify_all(IdentityResolver(tree, "azurelinux"), specs, processes=0)

    def cannot_fork() -> object:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(IdentityPool, "_start", staticmethod(cannot_fork))
    resolver = IdentityResolver(tree, "azurelinux")
    assert _identify_all(resolver, specs, processes=2) == expected
    assert resolver.pool is None and "could not start" in caplog.text


def _tampered_answers(tmp_path, monkeypatch, tamper) -> IdentityResolver:
    """A resolver whose helpers' answers went through `tamper` (what a subverted helper might send); its
    identities are checked against an in-process expansion's."""
    specs = _specs(4)
    tree = _tree(tmp_path, specs)
    expected = _identify_all(IdentityResolver(tree, "azurelinux"), specs, processes=0)
    take = IdentityPool.take
    monkeypatch.setattr(IdentityPool, "take", lambda self, key: (answer := take(self, key)) and tamper(answer))
    resolver = IdentityResolver(tree, "azurelinux")
    assert _identify_all(resolver, specs, processes=2) == expected
    return resolver


def test_an_answer_that_does_not_read_as_an_identity_is_ignored(tmp_path, pooled_from_two, monkeypatch):
    resolver = _tampered_answers(tmp_path, monkeypatch,
                                 lambda answer: {**answer, "identity": {**answer["identity"], "version": 123}})
    assert all(isinstance(entry["identity"]["version"], str) for entry in resolver.fresh.values())


def test_an_answer_naming_files_its_helper_was_not_sent_is_ignored(tmp_path, pooled_from_two, monkeypatch):
    resolver = _tampered_answers(tmp_path, monkeypatch, lambda answer: {**answer, "read": ["macros.extra"]})
    assert all(entry["sources"] == {} for entry in resolver.fresh.values())  # expanded here, reading nothing


def test_a_pool_answers_none_for_every_spec_once_its_helpers_are_gone(tmp_path):
    specs = _specs(40)
    pool = _pool(tmp_path, specs)
    pool.submit((name, text, None) for name, text in specs.items())
    pool.finish()
    pool.start()
    pool.close()
    assert all(helper.poll() is not None for helper in pool._helpers)
    assert {pool.take(name) for name in specs} == {None}


def test_the_helpers_stop_once_every_answer_is_taken(tmp_path):
    specs = _specs(20)
    pool = _pool(tmp_path, specs)
    pool.submit((name, text, None) for name, text in specs.items())
    pool.finish()
    pool.start()
    answers = [pool.take(name) for name in specs]
    assert all(isinstance(answer, dict) for answer in answers)
    assert len(pool._helpers) == 2 and all(helper.poll() is not None for helper in pool._helpers)
    assert pool.take("pkg1") is None  # taken already: the caller has it


def test_few_specs_are_expanded_in_process_without_helpers(tmp_path):
    specs = _specs(3)
    resolver = IdentityResolver(_tree(tmp_path, specs), "azurelinux")
    resolver.expand_ahead(((text, hashlib.sha256(text.encode()).hexdigest(), f"specs/{name}")
                           for name, text in specs.items()), 2)
    assert resolver.pool is None


def test_an_analysis_that_fails_stops_its_helpers(tmp_path, pooled_from_two, monkeypatch):
    watch = watch_pools(monkeypatch)

    def failing(self, component):
        raise RuntimeError("the analysis of a component failed")

    monkeypatch.setattr(analysis.ComponentAnalyser, "record", failing)
    from tests.audits import sample_repo

    files = sample_repo.files()
    for name, text in _specs(10).items():
        files[f"specs/{name[0]}/{name}/{name}.spec"] = text
        files[f"base/comps/{name}/{name}.comp.toml"] = f"[components.{name}]\n"
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    with pytest.raises(RuntimeError, match="failed"):
        analysis.analyse_release(DirectoryTree(tmp_path), _NoHistory(), lambda path: [], expansion_processes=2)
    assert len(watch.pools) == 1 and watch.pools[0]._helpers
    assert all(helper.poll() is not None for helper in watch.pools[0]._helpers)


class _NoHistory:
    def for_path(self, path):
        return []


def test_a_helper_gets_none_of_the_portals_secrets_in_its_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "not-for-the-repositorys-lua")
    monkeypatch.setenv("DATABASE_URL", "postgres://user:password@127.0.0.1/db")
    helper = IdentityPool._start()
    try:
        deadline = time.monotonic() + 30
        while b"audits.identity_helper" not in Path(f"/proc/{helper.pid}/cmdline").read_bytes():  # until exec
            assert time.monotonic() < deadline
            time.sleep(0.01)
        environment = Path(f"/proc/{helper.pid}/environ").read_bytes()
    finally:
        helper.kill()
        helper.wait()
        helper.stdin.close()
        helper.stdout.close()
    assert b"SECRET_KEY" not in environment and b"password" not in environment
    assert b"PYTHONPATH=" in environment


def test_the_helpers_start_on_the_first_specs_before_the_rest_are_read(tmp_path, pooled_from_two, monkeypatch):
    monkeypatch.setattr(identities, "SUBMIT_EVERY", 2)
    specs = _specs(6)
    resolver = IdentityResolver(_tree(tmp_path, specs), "azurelinux")
    pool_when_read: list[bool] = []

    def read() -> object:
        for name, text in specs.items():
            pool_when_read.append(resolver.pool is not None)
            yield text, hashlib.sha256(text.encode()).hexdigest(), f"specs/{name}"

    resolver.expand_ahead(read(), 2)
    try:
        assert pool_when_read == [False, False, True, True, True, True, True]
        assert len(resolver.pool.keys) == len(specs)
    finally:
        resolver.close()


def test_running_helpers_wait_for_specs_submitted_later_until_told_no_more_will_come(tmp_path):
    specs = _specs(4)
    pool = _pool(tmp_path, specs)
    pool.start()
    try:
        time.sleep(0.5)  # the helpers are up with nothing to do
        pool.submit((name, text, None) for name, text in specs.items())
        assert all(isinstance(pool.take(name), dict) for name in specs)
        assert all(helper.poll() is None for helper in pool._helpers)  # not finished: more may come
        pool.submit([("late", SPEC.format(n=99), None)])
        pool.finish()
        assert isinstance(pool.take("late"), dict)
        assert all(helper.wait(timeout=10) is not None for helper in pool._helpers)
    finally:
        pool.close()


def test_closing_a_pool_still_taking_specs_ends_its_threads(tmp_path):
    pool = _pool(tmp_path, _specs(1))
    pool.start()  # nothing submitted, not finished: every thread of the pool waits for specs
    time.sleep(0.5)
    pool.close()
    deadline = time.monotonic() + 10
    while pool._live and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pool._live == 0 and all(helper.poll() is not None for helper in pool._helpers)


def test_a_batch_carries_each_spec_text_and_folder_as_it_was_given():
    specs = [("Name: caf\u00e9\n%{load:x}\n", {"texts": {"x": "%v 1\n"}, "withheld": ["big.tar"]}), ("", None),
             ("lone surrogate \udc80 kept", None)]
    assert identity_pool.decode_batch(identity_pool.encode_batch(specs)) == specs


def test_a_spec_submitted_twice_is_queued_once(tmp_path):
    specs = _specs(2)
    pool = _pool(tmp_path, specs)
    pool.submit((name, text, None) for name, text in specs.items())
    pool.submit((name, text, None) for name, text in specs.items())
    assert [key for key, _ in pool._waiting] == list(specs) and pool.keys == set(specs)


# A stand-in helper (speaking identity_pool's protocol) that reads the macro sets and one batch, then waits up to 5 s for a second batch before it
# answers either: it answers only a pool that sends the next batch before it has the last one's answers.
_WANTS_TWO_BATCHES = """
import json, sys, threading
from audits.identity_pool import decode_batch, receive, send
requests, answers = sys.stdin.buffer, sys.stdout.buffer
def batch():
    message = receive(requests)
    return None if message is None else decode_batch(message)
receive(requests)  # the macro sets
batches = [batch()]
second = threading.Thread(target=lambda: batches.append(batch()), daemon=True)
second.start()
second.join(5)
if len(batches) < 2:
    sys.exit(1)
while batches:
    send(answers, json.dumps([{"identity": {}, "read": []} for _ in batches.pop(0)]).encode())
    if not batches and (more := batch()) is not None:
        batches.append(more)
"""


def test_a_helper_is_given_its_next_batch_before_it_answers_the_last(tmp_path, monkeypatch):
    specs = _specs(2 * identity_pool.BATCH - 1)  # two batches
    monkeypatch.setattr(IdentityPool, "_start", staticmethod(lambda: subprocess.Popen(
        [sys.executable, "-c", _WANTS_TWO_BATCHES], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        cwd=identity_pool._ROOT)))  # where it imports the protocol's functions from
    pool = IdentityPool(IdentityResolver(_tree(tmp_path, specs), "azurelinux").macro_sets, processes=1)
    pool.submit((name, text, None) for name, text in specs.items())
    pool.finish()
    pool.start()
    try:
        assert all(pool.take(name) == {"identity": {}, "read": []} for name in specs)
    finally:
        pool.close()


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def test_a_helper_expands_every_batch_it_was_sent_while_its_answers_are_not_read(tmp_path):
    specs = _specs(640)  # their answers are about 400 kB: more than a pipe holds
    macro_sets = IdentityResolver(_tree(tmp_path, specs), "azurelinux").macro_sets
    helper = IdentityPool._start()
    batches = [list(specs.items())[start : start + identity_pool.BATCH] for start in range(0, len(specs), identity_pool.BATCH)]
    try:
        messages = [pickle.dumps(macro_sets)] + [identity_pool.encode_batch([(text, None) for _, text in batch])
                                                 for batch in batches]
        threading.Thread(target=lambda: [identity_pool.send(helper.stdin, m) for m in messages], daemon=True).start()
        before, deadline = -1, time.monotonic() + 60
        while (ticks := _cpu_ticks(helper.pid)) != before:  # until it stops working
            assert time.monotonic() < deadline
            before = ticks
            time.sleep(1)
        answers = [json.loads(identity_pool.receive(helper.stdout)) for _ in batches]
        # what it answered was expanded before: reading the answers (more than a pipe holds) set nothing going
        assert _cpu_ticks(helper.pid) - before <= 3  # clock ticks (10 ms): the expansion of the rest takes 20 or more
    finally:
        helper.kill()
        helper.wait()
        helper.stdin.close()
        helper.stdout.close()
    assert sum(len(json.dumps(answer)) for answer in answers) > 4 * (1 << 16)
    assert [len(answer) for answer in answers] == [len(batch) for batch in batches]
    assert all(isinstance(answer, dict) for batch in answers for answer in batch)
