//! The agents of one client and the TLS configurations they use: made on
//! first need (the system's CA bundle is not read for plain HTTP), one agent
//! per route (home origin or not, https or not, the proxy for the URL),
//! each with oar's connector chain ([`super::connector`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use rustls::ClientConfig;
use ureq::Agent;
use ureq::config::AutoHeaderValue;

use super::message::METADATA_DEADLINE;
use super::{HttpOptions, connector, proxy, resolve, tls, url};
use crate::error::Result;

/// The TLS configurations of one client, made on the first https request
/// (reading the system's CA bundle is wasted on plain HTTP), and the
/// agents made so far, one per route: the home origin or another, and
/// the proxy (if any) for the URL's scheme and host.
#[derive(Default)]
pub(super) struct Agents {
    tls: OnceLock<TlsConfigs>,
    built: Mutex<HashMap<AgentKey, Agent>>,
}

/// Home origin or not, https or not, and the proxy.
type AgentKey = (bool, bool, Option<String>);

struct TlsConfigs {
    /// With the registry's certs.d CAs and the client certificate.
    home: Arc<ClientConfig>,
    /// For token realms and redirect targets: no client certificate.
    other: Arc<ClientConfig>,
}

impl Agents {
    fn tls_configs(&self, opts: &HttpOptions, home: &str) -> Result<&TlsConfigs> {
        if let Some(c) = self.tls.get() {
            return Ok(c);
        }
        let system = tls::system_certs();
        let extra = tls::ca_files(&opts.ca_files)?;
        let authority = url::split(home).map_or("", |(_, a, _)| a);
        let own = tls::certs_d(&opts.certs_dirs, authority)?;
        let identity = match opts.client_cert.as_ref().or(own.client.as_ref()) {
            Some((cert, key)) => Some(tls::client_identity(cert, key)?),
            None => None,
        };
        // The system bundle is parsed once; the registry's own certs.d CAs
        // make the home roots differ from the others only when there are
        // any.
        let other_roots = tls::roots(system.as_deref(), &extra);
        let home_roots = if own.cas.is_empty() {
            other_roots.clone()
        } else {
            let mut home_extra = extra;
            home_extra.extend(own.cas);
            tls::roots(system.as_deref(), &home_extra)
        };
        let configs = TlsConfigs {
            home: tls::client_config(&home_roots, opts.insecure, identity)?,
            other: tls::client_config(&other_roots, opts.insecure, None)?,
        };
        Ok(self.tls.get_or_init(|| configs))
    }

    /// The agent for a request to `target`: its TLS settings depend on
    /// the origin, its proxy on the scheme and host.
    pub(super) fn agent_for(
        &self,
        opts: &HttpOptions,
        home: &str,
        same_origin: bool,
        target: &str,
    ) -> Result<Agent> {
        let https = target
            .get(..8)
            .is_some_and(|s| s.eq_ignore_ascii_case("https://"));
        let proxy = opts.proxies.for_url(target).map(str::to_string);
        let key = (same_origin, https, proxy);
        let mut built = self.built.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(a) = built.get(&key) {
            return Ok(a.clone());
        }
        let tls = if https {
            let c = self.tls_configs(opts, home)?;
            Some(Arc::clone(if same_origin { &c.home } else { &c.other }))
        } else {
            None
        };
        let proxy = key.2.as_deref().map(proxy::connector_proxy).transpose()?;
        let agent = agent(opts, tls, proxy);
        built.insert(key, agent.clone());
        Ok(agent)
    }
}

/// An agent with oar's settings, TLS configuration and proxy.
fn agent(opts: &HttpOptions, tls: Option<Arc<ClientConfig>>, proxy: Option<ureq::Proxy>) -> Agent {
    let cfg = Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(opts.user_agent.as_str())
        .accept_encoding(AutoHeaderValue::None)
        .accept(AutoHeaderValue::None)
        .timeout_connect(Some(opts.connect_timeout))
        .timeout_per_read(Some(opts.stall_timeout))
        // Waiting for a response head is bounded too (a slow registry
        // still answers a finished upload in far less).
        .timeout_recv_response(Some(METADATA_DEADLINE))
        .timeout_per_write(Some(opts.stall_timeout))
        .max_idle_connections_per_host(4)
        .proxy(proxy)
        .build();
    Agent::with_parts(
        cfg,
        connector::chain(tls, opts.cancel.clone()),
        resolve::OverrideResolver::new(opts.resolve.clone()),
    )
}
