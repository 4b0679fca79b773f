"""The worker's own disk failing is reported as such, not as a bad repository address or a network problem."""

import tempfile

import pytest

from audits import gitsource


def test_a_clone_that_runs_out_of_disk_says_the_temporary_directory_is_full():
    error = gitsource._clone_error("https://example.org/r.git", b"fatal: write error: No space left on device")
    assert isinstance(error, gitsource.GitSourceError) and not isinstance(error, gitsource.GitTransientError)
    assert "could not write its temporary clone" in str(error) and "Check that the address" not in str(error)


def test_an_unusable_temporary_directory_fails_the_fetch_before_git_runs(monkeypatch, sample_git):
    repo, _, _ = sample_git

    def refuse(**kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    with pytest.raises(gitsource.GitSourceError, match="could not write its temporary clone.*No space left on device"):
        with gitsource.fetch(str(repo), "main", allow_local=True):
            pass
