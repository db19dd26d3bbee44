//! Who the client is, when the server runs behind reverse proxies.
//!
//! Behind a proxy every connection comes from the proxy's address. The proxy says who its
//! client was in `Forwarded` (RFC 7239) or `X-Forwarded-For`, but anyone can send those
//! headers: they are believed only when the connection comes from an address in a trusted
//! range (`--trusted-proxy`). Then the client is the rightmost address in the list that is not
//! itself a trusted proxy: each proxy appends the address it saw, so everything to the left of
//! the last trusted hop was written by the client and proves nothing.

use std::{fmt, net::IpAddr, str::FromStr};

use actix_web::http::header::HeaderMap;

/// A range of addresses, like `10.0.0.0/8`, `127.0.0.1` or `::1/128`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Whether `address` is in the range.
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.network, canonical(address)) {
            (IpAddr::V4(network), IpAddr::V4(address)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(network) & mask == u32::from(address) & mask
            }
            (IpAddr::V6(network), IpAddr::V6(address)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(network) & mask == u128::from(address) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network: IpAddr = address
            .trim()
            .parse()
            .map_err(|_| format!("{address:?} is not an IP address"))?;
        let network = canonical(network);
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(prefix) => prefix
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|prefix| *prefix <= bits)
                .ok_or_else(|| format!("{prefix:?} is not a prefix length from 0 to {bits}"))?,
            None => bits,
        };
        Ok(Self { network, prefix })
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// The proxies whose forwarding headers are believed. None by default.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<Cidr>);

impl TrustedProxies {
    /// Trusts the proxies in these ranges.
    pub fn new(ranges: Vec<Cidr>) -> Self {
        Self(ranges)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|range| range.contains(address))
    }

    /// The client's address: the peer's, unless the peer is a trusted proxy, in which case the
    /// rightmost untrusted address of its `Forwarded` header (or, without one, of
    /// `X-Forwarded-For`). If every address listed is trusted, the leftmost one.
    pub fn client_address(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let hops = forwarded_for(headers).unwrap_or_else(|| x_forwarded_for(headers));
        hops.iter()
            .rev()
            .find(|hop| !self.trusts(**hop))
            .or(hops.first())
            .copied()
            .unwrap_or(peer)
    }
}

/// An IPv4 address written as IPv6 (`::ffff:a.b.c.d`) is the IPv4 address.
fn canonical(address: IpAddr) -> IpAddr {
    address.to_canonical()
}

/// The `for=` addresses of every `Forwarded` header, in order; `None` without the header.
/// Obfuscated identifiers and `unknown` are skipped: they name no address.
fn forwarded_for(headers: &HeaderMap) -> Option<Vec<IpAddr>> {
    let mut values = headers
        .get_all("forwarded")
        .filter_map(|value| value.to_str().ok())
        .peekable();
    values.peek()?;
    let hops = values
        .flat_map(|value| value.split(','))
        .flat_map(|element| element.split(';'))
        .filter_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            key.trim()
                .eq_ignore_ascii_case("for")
                .then(|| node_address(value.trim().trim_matches('"')))
                .flatten()
        })
        .collect();
    Some(hops)
}

/// The addresses of every `X-Forwarded-For` header, in order.
fn x_forwarded_for(headers: &HeaderMap) -> Vec<IpAddr> {
    headers
        .get_all("x-forwarded-for")
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|hop| node_address(hop.trim()))
        .collect()
}

/// An address as proxies write it: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`,
/// `[2001:db8::1]` or `[2001:db8::1]:4711`.
fn node_address(node: &str) -> Option<IpAddr> {
    if let Ok(address) = node.parse::<IpAddr>() {
        return Some(canonical(address));
    }
    let host = match node.strip_prefix('[') {
        Some(bracketed) => bracketed.split_once(']')?.0,
        None => node.rsplit_once(':')?.0,
    };
    host.parse().ok().map(canonical)
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderName, HeaderValue};

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        map
    }

    fn trusting(ranges: &[&str]) -> TrustedProxies {
        TrustedProxies::new(ranges.iter().map(|range| range.parse().unwrap()).collect())
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn ranges_parse_and_contain() {
        let loopback: Cidr = "127.0.0.0/8".parse().unwrap();
        assert!(loopback.contains(ip("127.1.2.3")));
        assert!(
            loopback.contains(ip("::ffff:127.0.0.1")),
            "IPv4 written as IPv6"
        );
        assert!(!loopback.contains(ip("128.0.0.1")));
        let one: Cidr = "10.0.0.7".parse().unwrap();
        assert!(one.contains(ip("10.0.0.7")) && !one.contains(ip("10.0.0.8")));
        let v6: Cidr = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:1::5")) && !v6.contains(ip("2001:db9::1")));
        assert!("0.0.0.0/0".parse::<Cidr>().unwrap().contains(ip("8.8.8.8")));
        for bad in ["10.0.0.0/33", "nope", "10.0.0.0/x", "::1/129"] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let proxies = trusting(&["10.0.0.0/8"]);
        let claims = headers(&[("x-forwarded-for", "1.2.3.4"), ("forwarded", "for=5.6.7.8")]);
        assert_eq!(
            proxies.client_address(ip("203.0.113.9"), &claims),
            ip("203.0.113.9")
        );
        assert_eq!(
            TrustedProxies::default().client_address(ip("10.0.0.1"), &claims),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_rightmost_untrusted_hop_is_the_client() {
        let proxies = trusting(&["10.0.0.0/8"]);
        let peer = ip("10.0.0.1");
        // The client wrote 6.6.6.6 itself; the first proxy saw 198.51.100.7; a second proxy
        // (10.0.0.2) saw the first.
        let chain = headers(&[("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.0.0.2")]);
        assert_eq!(proxies.client_address(peer, &chain), ip("198.51.100.7"));
        let forwarded = headers(&[(
            "forwarded",
            r#"for=6.6.6.6, for="[2001:db8::17]:4711";proto=https, for=10.0.0.2"#,
        )]);
        assert_eq!(proxies.client_address(peer, &forwarded), ip("2001:db8::17"));
        let only_proxies = headers(&[("x-forwarded-for", "10.9.9.9, 10.0.0.2")]);
        assert_eq!(proxies.client_address(peer, &only_proxies), ip("10.9.9.9"));
        assert_eq!(
            proxies.client_address(peer, &headers(&[])),
            peer,
            "no header: the peer"
        );
        let ported = headers(&[("x-forwarded-for", "192.0.2.1:1234")]);
        assert_eq!(proxies.client_address(peer, &ported), ip("192.0.2.1"));
    }

    #[test]
    fn forwarded_wins_over_x_forwarded_for_and_unknown_hops_are_skipped() {
        let proxies = trusting(&["10.0.0.0/8"]);
        let both = headers(&[
            ("forwarded", "for=192.0.2.60;by=10.0.0.1, for=unknown"),
            ("x-forwarded-for", "198.51.100.1"),
        ]);
        assert_eq!(
            proxies.client_address(ip("10.0.0.1"), &both),
            ip("192.0.2.60")
        );
    }
}
