"""Test-only transport node: plain ``application/json`` instead of compatibility headers.

The official client sends ``application/vnd.elasticsearch+json; compatible-with=8``,
which osmem-server (OpenSearch-compatible) rejects with 406. Real Elasticsearch does
not need this node.
"""

from __future__ import annotations

import re

from elastic_transport import Urllib3HttpNode

_COMPAT = re.compile(r"application/vnd\.elasticsearch\+([a-z-]+)(?:;\s*compatible-with=\d+)?")


class PlainJsonNode(Urllib3HttpNode):
    def perform_request(self, method, target, body=None, headers=None, **kwargs):
        if headers:
            headers = headers.copy()
            for key in ("accept", "content-type"):
                if key in headers:
                    headers[key] = _COMPAT.sub(r"application/\1", headers[key])
        return super().perform_request(method, target, body=body, headers=headers, **kwargs)
