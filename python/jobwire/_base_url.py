"""The parts of a base URL both transports need."""
from typing import NamedTuple
from urllib.parse import urlsplit


class BaseUrl(NamedTuple):
    scheme: str  # http or https
    host: str
    port: int
    path: str  # a prefix for every route ('' or '/behind/a/proxy')

    @classmethod
    def parse(cls, url: str) -> "BaseUrl":
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"base_url must be http://HOST[:PORT] or https://…, got {url!r}")
        default_port = 443 if parts.scheme == "https" else 80
        return cls(parts.scheme, parts.hostname, parts.port or default_port, parts.path.rstrip("/"))
