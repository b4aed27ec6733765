"""Whether an address is on the public internet: Joinedup fetches only from public addresses
(directory feeds, an organisation's sign-in service), never from the machine's own network."""

from __future__ import annotations

import ipaddress
import socket

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def address_forbidden(address: Address) -> bool:
    """Loopback, private, link-local (cloud metadata), multicast, reserved: anything not on the public internet."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def host_forbidden(host: str) -> bool:
    """Whether a host name is plainly local (an address literal that is not public, or localhost), without
    looking the name up: for checking what a person types."""
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        return address_forbidden(ipaddress.ip_address(name))
    except ValueError:
        return False


def host_forbidden_address(host: str, port: int) -> str | None:
    """The first address ``host`` resolves to that is not public, or None if all are.

    Raises:
        LookupError: the name cannot be found.
    """
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise LookupError(host) from None
    for *_, sockaddr in found:
        if address_forbidden(ipaddress.ip_address(sockaddr[0])):
            return str(sockaddr[0])
    return None
