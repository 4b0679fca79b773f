"""PURE PYTHON: the XML side of cyclonedx_parts.py: a source component's `<component>` element as the
release CycloneDX XML holds it, and the document put together from a component-less BOM's XML.

The library writes the whole BOM with `ElementTree.tostring(bom.as_xml(...), default_namespace=...)`
(cyclonedx.output.xml.Xml.generate); a component is written here with the same call on its own
element, which declares the default namespace on that element: the declaration is taken out, and
what is left is the element as it stands inside `<components>` (the CycloneDX namespace is the only
one a component's elements use; any other would make `Unsupported`, and the full generation is used).
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, SubElement, tostring

from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component
from cyclonedx.schema import SchemaVersion
from cyclonedx.schema.schema import SCHEMA_VERSIONS

from .cyclonedx_json import Unsupported
from .cyclonedx_output import _fix_identifiable_action_xml_order, to_xml

XMLNS = "http://cyclonedx.org/schema/bom/1.6"  # what XmlV1Dot6.get_target_namespace gives
_VIEW = SCHEMA_VERSIONS[SchemaVersion.V1_6]
_DECLARATION = f' xmlns="{XMLNS}"'


def _without_declaration(element: Element, tag: str) -> str:
    text = tostring(element, method="xml", default_namespace=XMLNS, encoding="unicode")
    start = f"<{tag}{_DECLARATION}"
    if not text.startswith(start) or "xmlns" in text[len(start):]:
        raise Unsupported(f"a <{tag}> element uses another namespace")
    return f"<{tag}" + text[len(start):]


def component_xml(component: Component) -> str:
    """The `<component>` element of a top-level component, as the library writes it inside `<components>`."""
    _fix_identifiable_action_xml_order()  # what to_xml does first: the 1.6 XSD's order of a commit's author
    return _without_declaration(component.as_xml(_VIEW, as_string=False, element_name="component", xmlns=XMLNS),
                                "component")


def dependencies_xml(graph: list[tuple[str, list[str]]]) -> str:
    """The `<dependencies>` element of a dependency graph ((ref, sorted dependsOn) in the library's order)."""
    root = Element(f"{{{XMLNS}}}dependencies")
    for ref, targets in graph:
        entry = SubElement(root, f"{{{XMLNS}}}dependency", {f"{{{XMLNS}}}ref": ref})
        for target in targets:
            SubElement(entry, f"{{{XMLNS}}}dependency", {f"{{{XMLNS}}}ref": target})
    return _without_declaration(root, "dependencies")


def document(shell: Bom, components: list[str], graph: list[tuple[str, list[str]]]) -> bytes:
    """The XML of `shell` (a BOM without components or dependencies: `build_bom(shell=True)`) with the
    `components` elements and the dependency graph in it, where the 1.6 sequence puts them (components right
    after the metadata; the shell's own `<dependencies>`, the metadata component's entry, replaced)."""
    text = to_xml(shell).decode("utf-8")
    start, end = text.find("<dependencies>"), text.find("</dependencies>")
    metadata = text.find("</metadata>")
    if min(start, end, metadata) < 0 or text.count("</metadata>") != 1 or text.count("<dependencies>") != 1:
        raise Unsupported("the shell's XML has no single metadata or dependencies element")
    metadata += len("</metadata>")
    listed = "<components>" + "".join(components) + "</components>" if components else ""
    pieces = [text[:metadata], listed, text[metadata:start], dependencies_xml(graph), text[end + len("</dependencies>"):]]
    return "".join(pieces).encode("utf-8")
