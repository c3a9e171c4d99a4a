//! The address a request comes from, for per-address limits.
//!
//! By default this is the peer of the TCP connection. Behind a reverse proxy
//! every request comes from the proxy, so with `--trust-forwarded-for` the
//! last address of `X-Forwarded-For` is used instead: the one the proxy itself
//! appended, which a client cannot forge.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::ConnectInfo;
use http::{request::Parts, Extensions, HeaderMap};

/// The client address of a request.
pub fn client_addr(parts: &Parts, trust_forwarded_for: bool) -> IpAddr {
    client_addr_of(&parts.headers, &parts.extensions, trust_forwarded_for)
}

/// The client address of a request, from its headers and extensions.
pub fn client_addr_of(
    headers: &HeaderMap,
    extensions: &Extensions,
    trust_forwarded_for: bool,
) -> IpAddr {
    if trust_forwarded_for {
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|addr| addr.trim().parse::<IpAddr>().ok())
            .next_back();
        if let Some(addr) = forwarded {
            return addr;
        }
    }
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip())
}
