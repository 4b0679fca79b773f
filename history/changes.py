""""Changes since": the components whose state differs between two points in time, as a page, CSV/XLSX and
(history/api.py) JSON. `from` and `to` are points (history/points.py); `to` defaults to the newest snapshot.
`kind` keeps the changes of one kind (history.states.KINDS) or of a group of kinds (KIND_GROUPS)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.urls import reverse
from django.views.decorators.http import require_GET

from access.accesslog import record_access
from access.choices import AccessAction
from access.downloads import file_response
from access.permissions import export_required, viewer_required
from audits.exports import export_bytes
from audits.models import Distribution
from audits.views.common import PAGE_SIZE, render_page

from . import querysets
from .models import Snapshot
from .points import Point, PointError, resolve
from .querysets import ComponentChange
from .states import KINDS

KIND_GROUPS = {
    "overlays": ("overlay-added", "overlay-removed", "overlay-changed"),
    "licenses": ("license", "binary-license"),
    "presence": ("added", "removed"),
}
KIND_LABELS = {
    "added": "added", "removed": "removed", "verdict": "verdict", "overlay-added": "overlay added",
    "overlay-removed": "overlay removed", "overlay-changed": "overlay changed", "build": "build settings",
    "version": "version", "license": "License", "binary-license": "binary package License",
    "spec-origin": "spec origin", "spec": "rendered spec",
}
KIND_CHOICES = ([("", "any change")] + [(g, f"any {g[:-1] if g != 'presence' else 'addition or removal'}") for g in KIND_GROUPS]
                + [(k, KIND_LABELS[k]) for k in KINDS])
CHANGE_COLUMNS = ("component", "kind", "change", "before", "after", "headline_before", "headline_after",
                  "from_commit", "to_commit")


def kinds_of(kind: str) -> frozenset[str] | None:
    """The kinds a `kind` filter keeps (None: every kind); PointError for an unknown one."""
    if not kind:
        return None
    if kind in KIND_GROUPS:
        return frozenset(KIND_GROUPS[kind])
    if kind in KINDS:
        return frozenset((kind,))
    raise PointError(f"Unknown kind of change “{kind}”; one of {', '.join([*KIND_GROUPS, *KINDS])}.")


@dataclass
class ChangeSet:
    distribution: Distribution
    old: Point
    new: Point | None  # None: the newest snapshot (`to` not given)
    to_snapshot: Snapshot
    kind: str
    pairs: list  # (name, before, after) of each component that changed (with a change of `kind`, when given)
    keep: frozenset[str] | None = None  # the kinds `kind` keeps (None: every kind)
    kind_counts: dict[str, int] | None = None  # with `kind`: how many components have each kept kind

    def __post_init__(self):
        self.computed: dict[str, ComponentChange] = {}

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, index):
        """The changed components of a slice of `pairs`, their changes computed only now (the page needs one page)."""
        pairs = self.pairs[index]
        if isinstance(index, slice):
            return self._of(pairs)
        return self._of([pairs])[0]

    def _of(self, pairs) -> list[ComponentChange]:
        todo = [p for p in pairs if p[0] not in self.computed]
        for c in querysets.with_changes(self.distribution, todo):
            if self.keep is not None:
                c = ComponentChange(c.name, c.before, c.after, [x for x in c.changes if x.kind in self.keep])
            self.computed[c.name] = c
        return [self.computed[p[0]] for p in pairs]

    @property
    def components(self) -> list[ComponentChange]:
        return self[:]


def change_set(distribution: Distribution, params) -> ChangeSet:
    """The components that changed between `from` and `to` (params: a QueryDict or dict), filtered by `kind`;
    PointError when a point or the kind is not understood. The changes of each component are computed when they
    are read (ChangeSet is a sequence: a page reads its slice); `kind` filters the components by the aspects
    of their states (history.states.changed_kinds), which tell the kinds of change without decoding them."""
    kind = params.get("kind", "").strip()
    keep = kinds_of(kind)
    old = resolve(distribution, params.get("from", ""))
    to_text = params.get("to", "").strip()
    new = resolve(distribution, to_text) if to_text else None
    to_snapshot = new.snapshot if new else querysets.newest(distribution)
    assert to_snapshot is not None  # `from` resolved, so there is at least one snapshot
    if keep is None:
        pairs = querysets.differing(distribution, old.snapshot.seq, to_snapshot.seq)
        return ChangeSet(distribution, old, new, to_snapshot, kind, pairs)
    kept, counts = [], dict.fromkeys(sorted(keep), 0)
    for name, before, after, kinds in querysets.differing_in(distribution, old.snapshot.seq, to_snapshot.seq, keep):
        kept.append((name, before, after))
        for k in kinds:
            counts[k] += 1
    return ChangeSet(distribution, old, new, to_snapshot, kind, kept, keep, {k: n for k, n in counts.items() if n})


def kind_counts(result: ChangeSet, page) -> dict[str, int]:
    """How many components have each kind of change: known without decoding under a `kind` filter, else
    counted when the page shows every component (empty otherwise: counting would decode them all)."""
    if result.kind_counts is not None:
        return result.kind_counts
    counts: dict[str, int] = {}
    if not result.pairs or page.paginator.num_pages == 1:
        for c in result.components:
            for kind in dict.fromkeys(c.kinds):
                counts[kind] = counts.get(kind, 0) + 1
    return counts


def change_rows(result: ChangeSet):
    """Rows for CHANGE_COLUMNS: one per change."""
    old_sha, new_sha = result.old.snapshot.commit.sha, result.to_snapshot.commit.sha
    for c in result.components:
        for x in c.changes:
            yield [c.name, x.kind, x.summary, x.before, x.after, c.before.headline if c.before else "",
                   c.after.headline if c.after else "", old_sha, new_sha]


_distribution = querysets.distribution_named


@require_GET
@viewer_required
def changes_page(request, distribution: str):
    dist = _distribution(distribution)
    result, error = None, ""
    if "from" in request.GET:
        try:
            result = change_set(dist, request.GET)
        except PointError as exc:
            error = str(exc)
    record_access(request, AccessAction.VIEW, f"changes in {dist.name}")
    page = Paginator(result, PAGE_SIZE).get_page(request.GET.get("page")) if result is not None else None
    counts = kind_counts(result, page) if result is not None else {}
    return render_page(request, "history/changes.html", {
        "distribution": dist,
        "result": result,
        "shown": result is not None,
        "page": page,
        "error": error,
        "counts": [(KIND_LABELS[k], counts[k]) for k in KINDS if k in counts],
        "kind_choices": KIND_CHOICES,
        "params": {k: request.GET.get(k, "") for k in ("from", "to", "kind")},
        "export_base": reverse("history:changes-export", args=[dist.name, "csv"])[: -len("csv")],
    }, status=400 if error else 200)


@require_GET
@export_required
def changes_export(request, distribution: str, fmt: str):
    dist = _distribution(distribution)
    try:
        result = change_set(dist, request.GET)
    except PointError as exc:
        return render_page(request, "history/changes.html", {"distribution": dist, "error": str(exc), "result": None,
                                                            "kind_choices": KIND_CHOICES, "params": request.GET}, status=400)
    content, content_type = export_bytes(fmt, CHANGE_COLUMNS, change_rows(result), title="Changes")
    name = f"pedigree-{dist.name}-changes-{result.old.snapshot.commit.sha[:12]}-{result.to_snapshot.commit.sha[:12]}.{fmt}"
    response = file_response(request, content, file_name=name, content_type=content_type)
    record_access(request, AccessAction.EXPORT, f"changes in {dist.name} from {result.old.snapshot.commit.sha[:12]} "
                  f"to {result.to_snapshot.commit.sha[:12]} as {fmt.upper()}")
    return response
