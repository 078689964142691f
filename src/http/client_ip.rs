//! Which address a request comes from, for the public filing rate limit and idempotency scope.
//!
//! Behind a load balancer every request arrives from the balancer's address, so the client is
//! taken from `X-Forwarded-For`, but only when the direct peer is a configured trusted proxy
//! (`TRUSTED_PROXIES`): anyone else could write any address there and dodge the limit.

use std::net::IpAddr;

use actix_web::HttpRequest;

const FORWARDED_FOR: &str = "x-forwarded-for";

/// The client's address: the direct peer, or, when the peer is a trusted proxy, the nearest
/// address in `X-Forwarded-For` that is not itself a trusted proxy.
pub fn client_ip(req: &HttpRequest, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    let forwarded = req.headers().get_all(FORWARDED_FOR).filter_map(|v| v.to_str().ok());
    Some(resolve(peer, forwarded, trusted))
}

/// Walks the chain from the nearest hop outwards: each proxy appends the address it got the
/// request from, so the rightmost untrusted entry is the first one no trusted proxy vouches
/// for. An entry that does not parse ends the walk at the last trusted hop.
fn resolve<'a>(peer: IpAddr, headers: impl Iterator<Item = &'a str>, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<&str> = headers.flat_map(|h| h.split(',')).map(str::trim).collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => client = ip,
            Ok(ip) => return ip,
            Err(_) => return client,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::resolve;
    use std::net::IpAddr;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or_else(|_| panic!("{text}"))
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let got = resolve(ip("203.0.113.9"), ["198.51.100.1"].into_iter(), &[ip("10.0.0.1")]);
        assert_eq!(got, ip("203.0.113.9"));
    }

    #[test]
    fn behind_trusted_proxies_the_rightmost_untrusted_hop_is_the_client() {
        let trusted = [ip("10.0.0.1"), ip("10.0.0.2")];
        let got = resolve(ip("10.0.0.1"), ["1.2.3.4, 198.51.100.7", "10.0.0.2"].into_iter(), &trusted);
        assert_eq!(got, ip("198.51.100.7"), "the spoofable leftmost entry is ignored");
    }

    #[test]
    fn a_garbled_or_missing_header_falls_back_to_the_last_trusted_hop() {
        let trusted = [ip("10.0.0.1")];
        assert_eq!(resolve(ip("10.0.0.1"), ["not-an-ip"].into_iter(), &trusted), ip("10.0.0.1"));
        assert_eq!(resolve(ip("10.0.0.1"), std::iter::empty(), &trusted), ip("10.0.0.1"));
    }
}
