import pytest

from audits.models import Component, RenderedSpec
from audits.services.blobs import store_text


pytestmark = pytest.mark.django_db


@pytest.fixture
def page(auditor_client, release):
    def get(name: str = "bash"):
        return auditor_client.get(f"/releases/{release.pk}/components/{name}/")

    return get


def test_the_package_page_opens_with_the_verdict_and_its_reasons(page):
    html = page().content.decode()
    verdict = html.index("Altered: The spec comes from fedora rawhide instead of fedora 43")
    assert verdict < html.index("Origin</h2>")
    assert "(<code>overlays</code>, from component)" in html


def test_each_overlay_is_explained_in_words_with_its_metadata_and_parameters(page):
    html = page().content.decode()
    assert "1. Adds the tag Requires: coreutils to the main package" in html
    assert "azl-compatibility" in html and "inapplicable" in html
    assert '<a href="https://bugs.example.org/1" rel="noopener noreferrer">' in html
    assert "<th scope=\"row\"><code>tag</code></th><td><pre>Requires</pre>" in html


def test_descriptions_and_spec_text_are_escaped(page, release):
    spec = RenderedSpec.objects.get(component__release=release, component__name="bash")
    spec.blob_id = store_text(spec.text + "\n# <img src=x onerror=alert(2)>\nRequires: <script>x</script>\n")
    spec.save()
    html = page().content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<script>x</script>" not in html


def test_the_rendered_spec_is_highlighted_with_line_anchors_and_marks_the_overlay_lines(page):
    html = page().content.decode()
    assert '<span class="line" id="L2"><a class="n" href="#L2">2</a><span class="t">Name:</span> bash' in html
    assert '<span class="s">%package</span> devel' in html
    assert '<span class="m">%{?dist}</span>' in html
    assert '<span class="c"># This spec file has been modified by azldev.</span>' in html
    assert 'class="line touched" id="L9" title="changed by overlay 1"' in html
    assert '<a href="#L9">line 9</a>' in html


def test_upstream_links_point_at_the_snapshot_branch_or_the_pinned_commit(page, release):
    html = page().content.decode()
    assert 'href="https://src.example.org/rpms/bash/tree/rawhide"' in html
    Component.objects.filter(release=release, name="bash").update(upstream_commit="a" * 40)
    html = page().content.decode()
    assert f'href="https://src.example.org/rpms/bash/tree/{"a" * 40}"' in html
    assert f'href="https://src.example.org/rpms/bash/blob/{"a" * 40}/f/bash.spec"' in html


def test_the_distro_repository_is_linked_at_the_ingested_commit_only_for_https_sources(page, release):
    assert "/tree/" + release.commit.sha not in page().content.decode()  # a local path: no link
    type(release).objects.filter(pk=release.pk).update(source_url="https://github.com/example/azl.git")
    html = page().content.decode()
    assert f'href="https://github.com/example/azl/tree/{release.commit.sha}"' in html
    assert f'href="https://github.com/example/azl/blob/{release.commit.sha}/base/comps/bash/bash.comp.toml"' in html


def test_build_settings_show_where_they_come_from(page):
    html = page("zlib").content.decode()
    assert "%check is skipped</strong>: Tests need network access" in html
    assert "<code>build.check.skip</code></td><td><code>yes</code></td><td>component group check-skip" in html


def test_sources_binary_packages_and_evidence_placeholders_are_shown(page, release):
    html = page("curl").content.decode()
    assert "curl-8.15.0.tar.gz" in html and "ab" * 64 in html
    assert "<td>curl-devel</td><td>8.15.0-3</td><td>x86_64, aarch64</td><td>rpm-sdk</td>" in html
    assert "not generated yet" in html
    assert f'action="/releases/{release.pk}/components/curl/evidence/"' in html and "Download evidence bundle" in html


def test_the_package_page_has_a_bounded_number_of_queries(auditor_client, release, django_assert_max_num_queries):
    # +1: the signatures of the SBOMs covering it; +1: the publication problems recorded with its SBOMs;
    # +2: its CVE findings and the advisories naming it (the VEX panel); +2: the review panel (the review, its
    # history); +1: the policy findings (waived or not in the same query); +2: the history note (newer releases,
    # the distribution's newest ingested commit)
    with django_assert_max_num_queries(21):
        assert auditor_client.get(f"/releases/{release.pk}/components/bash/").status_code == 200


def test_an_unknown_component_is_a_404(page):
    assert page("nope").status_code == 404


def test_package_page_says_whether_each_overlay_is_in_the_rendered_spec(auditor_client, release):
    response = auditor_client.get(f"/releases/{release.pk}/components/bash/")
    assert b"Present in the rendered spec:" in response.content


def test_package_page_shows_the_git_history_of_the_component(auditor_client, release):
    response = auditor_client.get(f"/releases/{release.pk}/components/bash/")
    assert b"Git history of this component" in response.content
    assert release.commit.sha[:12].encode() in response.content
