//! The client's address, as throttles count it: the socket's peer, or — only when the peer is one
//! of `server.trusted_proxies` — the right-most address of `X-Forwarded-For` that is not a trusted
//! proxy. A client cannot choose its address by sending the header itself.
use std::future::{ready, Ready};
use std::net::{IpAddr, Ipv6Addr};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};

use crate::error::AppError;

/// A network (an address and a prefix length): one trusted proxy, or a range of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl Network {
    fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a.parse::<IpAddr>().ok()?, Some(p.parse::<u8>().ok()?)),
            None => (s.parse::<IpAddr>().ok()?, None),
        };
        let addr = addr.to_canonical();
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(Self { addr, prefix })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// `server.trusted_proxies`, parsed (application data).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<Network>);

impl TrustedProxies {
    /// Each entry an IP address or a CIDR (`10.0.0.0/8`, `fd00::/8`).
    pub fn parse(entries: &[String]) -> anyhow::Result<Self> {
        entries
            .iter()
            .map(|e| {
                Network::parse(e).ok_or_else(|| {
                    anyhow::anyhow!("server.trusted_proxies: `{e}` is not an IP address or a CIDR such as 10.0.0.0/8")
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()
            .map(Self)
    }

    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(ip))
    }

    /// The client of a request that came from `peer` with these `X-Forwarded-For` values.
    pub fn client_ip<'a>(&self, peer: IpAddr, forwarded_for: impl Iterator<Item = &'a str>) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        // Each proxy appends the address it received from: read from the right, through the
        // trusted hops, to the first address that is not one (a malformed entry ends the walk).
        let hops: Vec<&str> = forwarded_for.flat_map(|v| v.split(',')).collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop.trim().parse::<IpAddr>() {
                Ok(ip) => {
                    client = ip.to_canonical();
                    if !self.trusts(client) {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
        client
    }
}

/// The client's address as throttles key it: an IPv4 address, or an IPv6 address's /64 (one
/// subscriber usually holds a whole /64, so counting single IPv6 addresses would be no limit).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientAddr(String);

impl ClientAddr {
    pub fn from_ip(ip: IpAddr) -> Self {
        match ip.to_canonical() {
            IpAddr::V4(v4) => Self(v4.to_string()),
            IpAddr::V6(v6) => {
                let net = Ipv6Addr::from(u128::from(v6) & (u128::MAX << 64));
                Self(format!("{net}/64"))
            }
        }
    }

    /// For requests without a socket address (in-process test requests): one shared bucket.
    pub fn unknown() -> Self {
        Self("unknown".into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn of(req: &HttpRequest) -> Self {
        let Some(peer) = req.peer_addr() else {
            return Self::unknown();
        };
        let proxies = crate::http::context::AppContext::of(req).map(|c| &c.proxies);
        let ip = match proxies {
            Some(p) => p.client_ip(peer.ip(), req.headers().get_all("x-forwarded-for").filter_map(|v| v.to_str().ok())),
            None => peer.ip(),
        };
        Self::from_ip(ip)
    }
}

impl FromRequest for ClientAddr {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Self::of(req)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn networks_parse_addresses_and_cidrs_and_refuse_the_rest() {
        let p = proxies(&["10.0.0.0/8", "192.168.1.7", "fd00::/8", "::1"]);
        assert!(p.trusts(ip("10.200.3.4")));
        assert!(!p.trusts(ip("11.0.0.1")));
        assert!(p.trusts(ip("192.168.1.7")));
        assert!(!p.trusts(ip("192.168.1.8")));
        assert!(p.trusts(ip("fd12:3456::1")));
        assert!(p.trusts(ip("::1")));
        assert!(!p.trusts(ip("2001:db8::1")));
        // An IPv4 address seen as IPv4-mapped IPv6 is the same address.
        assert!(p.trusts(ip("::ffff:10.1.2.3")));
        assert!(proxies(&["0.0.0.0/0"]).trusts(ip("8.8.8.8")));
        for bad in ["10.0.0.0/33", "example.org", "10.0.0/8", "::/129", ""] {
            assert!(TrustedProxies::parse(&[bad.to_string()]).is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy() {
        let none = TrustedProxies::default();
        assert_eq!(none.client_ip(ip("203.0.113.9"), ["1.2.3.4"].into_iter()), ip("203.0.113.9"));
        let p = proxies(&["10.0.0.0/8"]);
        // A client that is not a proxy cannot pick its address with the header.
        assert_eq!(p.client_ip(ip("203.0.113.9"), ["1.2.3.4"].into_iter()), ip("203.0.113.9"));
        // Behind a trusted proxy: the right-most untrusted address, whatever the client prepended.
        assert_eq!(p.client_ip(ip("10.0.0.2"), ["1.2.3.4, 198.51.100.7"].into_iter()), ip("198.51.100.7"));
        assert_eq!(p.client_ip(ip("10.0.0.2"), ["1.2.3.4", "198.51.100.7, 10.0.0.5"].into_iter()), ip("198.51.100.7"));
        // Only trusted hops: the left-most of them; no header: the proxy itself.
        assert_eq!(p.client_ip(ip("10.0.0.2"), ["10.0.0.9, 10.0.0.5"].into_iter()), ip("10.0.0.9"));
        assert_eq!(p.client_ip(ip("10.0.0.2"), std::iter::empty()), ip("10.0.0.2"));
        // A malformed hop ends the walk at the last trusted address.
        assert_eq!(p.client_ip(ip("10.0.0.2"), ["1.2.3.4, garbage"].into_iter()), ip("10.0.0.2"));
    }

    #[test]
    fn client_keys_are_ipv4_addresses_and_ipv6_64s() {
        assert_eq!(ClientAddr::from_ip(ip("203.0.113.9")).as_str(), "203.0.113.9");
        assert_eq!(ClientAddr::from_ip(ip("::ffff:203.0.113.9")).as_str(), "203.0.113.9");
        assert_eq!(ClientAddr::from_ip(ip("2001:db8:1:2:aaaa::1")).as_str(), "2001:db8:1:2::/64");
        assert_eq!(ClientAddr::from_ip(ip("2001:db8:1:2:bbbb::7")), ClientAddr::from_ip(ip("2001:db8:1:2::9")));
    }
}
