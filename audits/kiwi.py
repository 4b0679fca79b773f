"""PURE PYTHON: the package lists of a KIWI image description (the `.kiwi` XML files images.toml points at).

A KIWI file is untrusted repository content, so it is parsed with `defusedxml` with DTDs forbidden
(which also rules out entity expansion bombs and external entities), after a size check, and with a
cap on the number of elements. Any refusal is a `KiwiError` naming the file and the rule; the caller
records it for that image and carries on.

What is read (KIWI schema 8.x, https://osinside.github.io/kiwi/image_description.html):

- `<profiles><profile name import>` with `<requires profile>` children: a profile selects itself and,
  transitively, the profiles it requires. Without a profile, the profiles marked `import="true"` are
  selected (KIWI's default when no `--profile` is given).
- `<preferences profiles><type image>`: the build types of the selected profiles; a `<packages>`
  section whose type is a build type (`oem`, `oci`, ...) applies only when that type is built.
- `<packages type profiles>`: applies when it names no profile or one of the selected ones. Types
  `image`, `bootstrap` and build types install; `delete` and `uninstall` remove after installation.
- In a section: `<package name arch>`, `<namedCollection name arch>` (a comps group or pattern, which
  the configuration repository does not define, so it is listed, never expanded), `<archive name>`
  (a tarball unpacked into the image, not a package), `<ignore name arch>` (never installed, even as
  a dependency), `<collectionModule>` and `<product>` (listed as such). `arch` is a comma list.

Anything else inside `<packages>` is listed in `notes`; so is `<include>`, whose XML is not followed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

MAX_KIWI_BYTES = 1_000_000
MAX_ELEMENTS = 50_000
INSTALL_SECTIONS = ("image", "bootstrap")
REMOVE_SECTIONS = ("delete", "uninstall")
ITEM_KINDS = ("package", "namedCollection", "archive", "ignore", "collectionModule", "product")


class KiwiError(ValueError):
    """A KIWI description that is refused or cannot be read; the message names the file."""


@dataclass(frozen=True, slots=True)
class KiwiItem:
    kind: str  # one of ITEM_KINDS
    name: str
    section: str  # the <packages> type: image, bootstrap, delete, uninstall or a build type
    profiles: tuple[str, ...]  # the section's profiles; empty: every profile
    arches: tuple[str, ...]  # empty: every architecture


@dataclass(frozen=True, slots=True)
class KiwiProfile:
    name: str
    description: str
    imported: bool  # import="true": selected when no profile is given
    requires: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Selection:
    """What one profile (or the default selection) of a description installs, removes and ignores."""

    profiles: tuple[str, ...]
    build_types: tuple[str, ...]
    items: tuple[KiwiItem, ...]

    def installed(self) -> list[KiwiItem]:
        return [i for i in self.items if i.section not in REMOVE_SECTIONS and i.kind != "ignore"]

    def removed(self) -> list[KiwiItem]:
        return [i for i in self.items if i.section in REMOVE_SECTIONS and i.kind != "ignore"]

    def ignored(self) -> list[KiwiItem]:
        return [i for i in self.items if i.kind == "ignore"]


@dataclass(frozen=True, slots=True)
class KiwiDescription:
    name: str
    profiles: dict[str, KiwiProfile]
    build_types: tuple[tuple[str, tuple[str, ...]], ...]  # (image type, its profiles; empty: every profile)
    items: tuple[KiwiItem, ...]
    notes: tuple[str, ...] = field(default=())

    def select(self, profile: str = "") -> Selection:
        """The items that apply with `profile` (and the profiles it requires); KiwiError for an unknown one."""
        if profile and profile not in self.profiles:
            known = ", ".join(sorted(self.profiles)) or "none"
            raise KiwiError(f"profile {profile!r} is not defined in the description (profiles: {known})")
        pending = [(profile, "")] if profile else [(p.name, "") for p in self.profiles.values() if p.imported]
        selected: list[str] = []
        while pending:
            name, required_by = pending.pop(0)
            if name in selected:
                continue
            if name not in self.profiles:
                raise KiwiError(f"profile {required_by!r} requires profile {name!r}, which is not defined")
            selected.append(name)
            pending.extend((r, name) for r in self.profiles[name].requires)

        def applies(profiles: tuple[str, ...]) -> bool:
            return not profiles or any(p in selected for p in profiles)

        types = tuple(dict.fromkeys(t for t, profiles in self.build_types if applies(profiles)))
        items = tuple(
            i for i in self.items
            if applies(i.profiles) and (i.section in INSTALL_SECTIONS or i.section in REMOVE_SECTIONS or i.section in types)
        )
        return Selection(tuple(selected), types, items)


def _local(tag: object) -> str:
    """The element name without an XML namespace (`{ns}package` -> `package`)."""
    text = tag if isinstance(tag, str) else ""
    return text.rsplit("}", 1)[-1]


def _commas(value: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (value or "").split(",") if p.strip())


def parse_kiwi(data: bytes, path: str) -> KiwiDescription:
    """The profiles, build types and package sections of a KIWI file's bytes."""
    if len(data) > MAX_KIWI_BYTES:
        raise KiwiError(f"{path}: file exceeds the size limit ({len(data)} > {MAX_KIWI_BYTES} bytes)")
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise KiwiError(f"{path}: refused: {type(exc).__name__} (DTDs, entities and external references are not allowed)") from None
    except ParseError as exc:
        raise KiwiError(f"{path}: not well-formed XML: {exc}") from None
    count = sum(1 for _ in root.iter())
    if count > MAX_ELEMENTS:
        raise KiwiError(f"{path}: {count} elements, more than the limit of {MAX_ELEMENTS}")
    if _local(root.tag) != "image":
        raise KiwiError(f"{path}: the root element is <{_local(root.tag)}>, not <image>")
    notes: list[str] = []
    profiles: dict[str, KiwiProfile] = {}
    build_types: list[tuple[str, tuple[str, ...]]] = []
    items: list[KiwiItem] = []
    for child in root:
        tag = _local(child.tag)
        if tag == "profiles":
            for element in child:
                if _local(element.tag) != "profile":
                    continue
                name = element.get("name", "").strip()
                if not name:
                    raise KiwiError(f"{path}: a <profile> has no name")
                if name in profiles:
                    raise KiwiError(f"{path}: profile {name!r} is defined twice")
                requires = tuple(r.get("profile", "").strip() for r in element if _local(r.tag) == "requires")
                profiles[name] = KiwiProfile(name, element.get("description", ""),
                                             element.get("import", "").lower() == "true", tuple(r for r in requires if r))
        elif tag == "preferences":
            build_types.extend(
                (t.get("image", ""), _commas(child.get("profiles"))) for t in child if _local(t.tag) == "type" and t.get("image")
            )
        elif tag == "packages":
            items.extend(_section(child, path, notes))
        elif tag == "include":
            notes.append(f"<include from={child.get('from', '')!r}> is not followed: what it includes is not listed")
    return KiwiDescription(root.get("name", ""), profiles, tuple(build_types), tuple(items), tuple(notes))


def _section(section: Element, path: str, notes: list[str]) -> list[KiwiItem]:
    kind = section.get("type", "").strip()
    if not kind:
        raise KiwiError(f"{path}: a <packages> section has no type")
    profiles = _commas(section.get("profiles"))
    found = []
    for element in section:
        if not isinstance(element.tag, str):  # comments and processing instructions
            continue
        tag = _local(element.tag)
        name = element.get("name", "").strip()
        if tag not in ITEM_KINDS:
            notes.append(f"<{tag}> in <packages type={kind!r}> is not read")
            continue
        if not name:
            raise KiwiError(f"{path}: a <{tag}> in <packages type={kind!r}> has no name")
        found.append(KiwiItem(tag, name, kind, profiles, _commas(element.get("arch"))))
    return found
