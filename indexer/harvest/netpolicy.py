"""Where the harvester may go: which hosts (the listing's site) and which addresses (public ones).

Two independent checks, both decided here and enforced in :mod:`indexer.harvest.connect`
and :mod:`indexer.harvest.fetch` (see docs/harvester.md, "Staying on the site"):

* **hosts** — a harvest of a listing page stays on that page's host. ``www.example.org`` and
  ``example.org`` count as one site; other subdomains do not. More hosts are allowed by name
  (``--allow-host docs.example.org``) or with their subdomains (``--allow-host '*.example.org'``).
  Ports are not part of the comparison.
* **addresses** — whatever a host name resolves to, only public (globally routable, unicast)
  addresses are connected to: loopback, private, link-local (cloud metadata at
  169.254.169.254), shared, multicast, reserved and unspecified addresses are refused unless
  ``allow_private`` or an ``allow_networks`` entry covers them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

__all__ = [
    "AddressPolicy",
    "HostScope",
    "IPAddress",
    "IPNetwork",
    "address_category",
    "normalize_host",
    "parse_host_pattern",
    "parse_network",
    "refusal_reason",
    "url_host",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def normalize_host(host: str) -> str:
    """``host`` as compared: lower case, no brackets or trailing dot, IDNA (punycode) form."""
    h = host.strip().strip("[]").rstrip(".").lower()
    try:
        ip = ipaddress.ip_address(h)
    except ValueError:
        pass
    else:
        return ip.compressed
    try:
        return h.encode("idna").decode("ascii")
    except UnicodeError:  # an over-long or empty label: compare it as written
        return h


def url_host(url: str) -> str:
    """The normalised host of ``url`` ('' when it has none)."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return ""
    return normalize_host(host) if host else ""


def _site(host: str) -> str:
    # www.example.org and example.org are one site: partnerships link both spellings.
    return host[4:] if host.startswith("www.") and host.count(".") >= 2 else host


def parse_host_pattern(text: str) -> str:
    """A ``--allow-host`` value: ``HOST``, ``*.HOST`` or a URL (its host is taken).

    Raises ``ValueError`` with a message for people when it is none of those.
    """
    raw = text.strip()
    if "://" in raw:
        raw = urlsplit(raw).hostname or ""
    wildcard = raw.startswith("*.")
    if wildcard:
        raw = raw[2:]
    host = normalize_host(raw)
    if not host:
        raise ValueError(f"not a host name: {text!r}")
    is_ip = True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        is_ip = False
    if not is_ip and any(c in host for c in ":/@\\ *"):
        raise ValueError(f"give a host name without port or path, e.g. docs.example.org: {text!r}")
    if wildcard and is_ip:
        raise ValueError(f"'*.' only goes before a host name: {text!r}")
    return f"*.{host}" if wildcard else host


@dataclass(frozen=True)
class HostScope:
    """The hosts one listing page's harvest may request: its own site plus allowed patterns."""

    site_host: str
    extra: tuple[str, ...] = ()

    @classmethod
    def for_url(cls, url: str, extra: Iterable[str] = ()) -> HostScope:
        return cls(url_host(url), tuple(extra))

    def allows_host(self, host: str) -> bool:
        h = normalize_host(host)
        if not h:
            return False
        if _site(h) == _site(self.site_host):
            return True
        for pattern in self.extra:
            if pattern.startswith("*."):
                base = pattern[2:]
                if h == base or h.endswith("." + base):
                    return True
            elif _site(h) == _site(pattern):
                return True
        return False

    def allows(self, url: str) -> bool:
        return self.allows_host(url_host(url))

    def describe(self) -> str:
        names = [self.site_host, *self.extra]
        return ", ".join(n for n in names if n)


def address_category(ip: IPAddress) -> str | None:
    """Why ``ip`` is not a public address (``"loopback"``, ``"private"``...), or None."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is not None:
            return address_category(embedded)
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_reserved:  # before is_private, which also covers 240.0.0.0/4
        return "reserved"
    if ip.is_private:
        return "private"
    if not ip.is_global:
        return "non-public"  # e.g. 100.64.0.0/10, shared address space (carrier NAT)
    return None


def parse_network(text: str) -> IPNetwork:
    """An ``--allow-network`` value: ``10.1.0.0/16``, ``127.0.0.1`` (one address), ``fd00::/8``."""
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError as exc:
        raise ValueError(f"not an IP network: {text!r} (e.g. 10.1.0.0/16)") from exc


@dataclass(frozen=True)
class AddressPolicy:
    """Which resolved addresses may be connected to."""

    allow_private: bool = False
    allow_networks: tuple[IPNetwork, ...] = field(default_factory=tuple)

    def refused(self, ip: IPAddress) -> str | None:
        """None when ``ip`` may be connected to, else its category (``"loopback"``...)."""
        category = address_category(ip)
        if category is None or self.allow_private:
            return None
        if any(ip.version == net.version and ip in net for net in self.allow_networks):
            return None
        return category


def refusal_reason(host: str, refused: list[tuple[str, str]]) -> str:
    """Why no connection to ``host`` was made, given its refused (address, category) pairs."""
    if len(refused) == 1 and normalize_host(host) == normalize_host(refused[0][0]):
        ip, category = refused[0]
        what = f"{ip} is a {category} address"
        hint = f"--allow-network {ip}"
    else:
        listed = ", ".join(f"{ip} ({category})" for ip, category in refused)
        what = f"{host} resolves only to non-public addresses: {listed}"
        hint = "--allow-network CIDR"
    return f"{what}; not connected to (--allow-private or {hint} allows it)"
