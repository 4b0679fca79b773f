"""A bounded schemathesis run against /api/schema/ on a loopback live server: no 5xx anywhere.

Every operation of the schema gets MAX_EXAMPLES generated requests (query parameters, bodies) with
its path parameters fixed to real rows, so that the views rather than the URL resolver see the
input, then PATH_EXAMPLES with generated path parameters; all from a key with every scope. Job
starts go to a queue of their own that is purged afterwards.
"""

from __future__ import annotations

import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings

from access.apikeys import SCOPES
from portal.celery import app

MAX_EXAMPLES = 25
PATH_EXAMPLES = 8


@pytest.fixture
def private_queue():
    queue = f"pedigree-schemathesis-{uuid.uuid4().hex[:8]}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        yield queue
    finally:
        app.conf.task_default_queue = previous
        with app.connection_for_write() as connection:
            channel = connection.default_channel
            channel.queue_declare(queue=queue, passive=False, durable=True, auto_delete=False)
            channel.queue_purge(queue)


@pytest.mark.django_db(transaction=True)
def test_generated_requests_get_no_server_error(live_server, api_objects, make_key, settings, private_queue):
    settings.PEDIGREE_API_THROTTLE_RATE = "1000000/minute"
    _, secret = make_key(*SCOPES)
    auth = {"Authorization": f"Bearer {secret}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json", headers=auth, timeout=30)
    known = {"release_pk": api_objects["release"].pk, "name": "bash", "component_name": "bash",
             "sha": api_objects["commit"].sha, "image_pk": api_objects["image"].pk, "kind": "csaf",
             "distribution": api_objects["release"].distribution.name}
    ids = {"jobs": api_objects["job"].pk, "sbom-documents": api_objects["sbom"].pk,
           "evidence-bundles": api_objects["bundle"].pk, "signature-bundles": api_objects["signature"].pk, "upstream-verifications": api_objects["verification"].pk,
           "releases": api_objects["release"].pk, "images": api_objects["image"].pk, "advisories": api_objects["advisory"].pk,
           "reviews": api_objects["review"].pk, "waivers": api_objects["waiver"].pk}
    failures: list[str] = []

    def run(operation, path_parameters: dict, examples: int) -> None:
        @hypothesis_settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                             phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(path_parameters=path_parameters))
        def call(case):
            response = case.call(base_url=live_server.url, headers=auth, timeout=30)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} {case.query} {case.body!r} -> "
                                f"{response.status_code} {response.text[:300]}")

        call()

    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        parts = [part for part in operation.path.split("/") if part]
        names = {p.name for p in operation.path_parameters}
        fixed = {name: value for name, value in known.items() if name in names}
        if "id" in names:
            fixed["id"] = ids[parts[parts.index("{id}") - 1]]
        run(operation, fixed, MAX_EXAMPLES)
        if names:
            run(operation, {}, PATH_EXAMPLES)
    assert len(operations) >= 20
    assert not failures, "\n".join(failures[:20])
