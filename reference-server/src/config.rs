//! The server's configuration: flags, environment and an optional YAML file.

use std::net::SocketAddr;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// A Fivetran plan. The guide: "You must have an Enterprise or Business Critical plan to use
/// Fivetran SCIM for OKTA."
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Plan {
    /// Enterprise: SCIM available.
    #[default]
    Enterprise,
    /// Business Critical: SCIM available.
    BusinessCritical,
    /// Standard: no SCIM.
    Standard,
    /// Starter: no SCIM.
    Starter,
}

impl Plan {
    /// Whether the plan includes SCIM provisioning.
    pub fn allows_scim(self) -> bool {
        matches!(self, Plan::Enterprise | Plan::BusinessCritical)
    }

    /// The plan's name as Fivetran writes it.
    pub fn display_name(self) -> &'static str {
        match self {
            Plan::Enterprise => "Enterprise",
            Plan::BusinessCritical => "Business Critical",
            Plan::Standard => "Standard",
            Plan::Starter => "Starter",
        }
    }
}

/// What `Debug` shows instead of a token.
pub(crate) const REDACTED: &str = "********";

/// Everything the server needs to start. Every field has a default, so a file only names what
/// it changes. Its `Debug` hides the tokens.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Where to listen; port 0 picks a free port.
    pub listen: SocketAddr,
    /// The SCIM bearer token; generated at start when absent.
    pub token: Option<String>,
    /// The admin API credential; generated at start when absent.
    pub admin_token: Option<String>,
    /// The account's plan.
    pub plan: Plan,
    /// Whether "Enable SCIM Provisioning" starts switched on.
    pub scim_enabled: bool,
    /// Custom account-level roles, in addition to the standard ones.
    pub custom_roles: Vec<String>,
    /// Refuse a `userName` that differs from the primary email: the strict reading of
    /// Fivetran's "We require matching email and username values". Off by default, because
    /// Okta's SPEC test creates users whose two differ and expects 201.
    pub require_username_email: bool,
    /// The most resources one page may hold (`filter.maxResults`), and the `count` cap.
    pub max_results: usize,
    /// The page size when a query gives no `count`.
    pub default_count: usize,
    /// The largest request body accepted, in bytes (larger gets 413).
    pub max_body_bytes: usize,
    /// How long a client has to send a request's headers, and how long a kept-alive
    /// connection may sit idle between requests, in seconds.
    pub header_timeout_secs: u64,
    /// How long a client has to send a request's body, in seconds (then 408).
    pub body_timeout_secs: u64,
    /// The most connections served at once; past it, a new connection gets an immediate
    /// `503` and is closed, so a flood of idle connections cannot exhaust the process's file
    /// descriptors or starve the clients that come next.
    pub max_connections: usize,
    /// Whether `/ServiceProviderConfig`, `/Schemas` and `/ResourceTypes` answer without a
    /// token. Off by default: the guide's API takes its token on every SCIM route; RFC 7643 §5
    /// suggests (SHOULD) that the configuration be public, so it can be switched on.
    pub public_discovery: bool,
    /// The most operations one BulkRequest may hold (`bulk.maxOperations`); 0 turns Bulk off
    /// (`/Bulk` answers 501, and `/ServiceProviderConfig` says so).
    pub bulk_max_operations: usize,
    /// The largest BulkRequest body, in bytes (`bulk.maxPayloadSize`; at most
    /// `max_body_bytes`).
    pub bulk_max_payload_bytes: usize,
    /// The externally visible base URL (`https://scim.example.com/scim/v2`), for `Location`
    /// and `meta.location`; by default it is built from the request's `Host` header.
    pub public_url: Option<String>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |t: &Option<String>| t.as_ref().map(|_| REDACTED);
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("token", &hidden(&self.token))
            .field("admin_token", &hidden(&self.admin_token))
            .field("plan", &self.plan)
            .field("scim_enabled", &self.scim_enabled)
            .field("custom_roles", &self.custom_roles)
            .field("require_username_email", &self.require_username_email)
            .field("max_results", &self.max_results)
            .field("default_count", &self.default_count)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("header_timeout_secs", &self.header_timeout_secs)
            .field("body_timeout_secs", &self.body_timeout_secs)
            .field("max_connections", &self.max_connections)
            .field("public_discovery", &self.public_discovery)
            .field("bulk_max_operations", &self.bulk_max_operations)
            .field("bulk_max_payload_bytes", &self.bulk_max_payload_bytes)
            .field("public_url", &self.public_url)
            .finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            token: None,
            admin_token: None,
            plan: Plan::Enterprise,
            scim_enabled: true,
            custom_roles: Vec::new(),
            require_username_email: false,
            max_results: 1000,
            default_count: 100,
            max_body_bytes: 1024 * 1024,
            header_timeout_secs: 10,
            body_timeout_secs: 30,
            max_connections: 512,
            public_discovery: false,
            bulk_max_operations: 100,
            bulk_max_payload_bytes: 1024 * 1024,
            public_url: None,
        }
    }
}

/// Why a configuration file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a valid configuration.
    #[error("invalid configuration in {path}: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong, with its line and column.
        message: String,
    },
}

impl Config {
    /// Reads a YAML configuration file. Unknown keys are errors.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: shown.clone(),
            source,
        })?;
        Config::from_yaml(&text).map_err(|message| ConfigError::Invalid {
            path: shown,
            message,
        })
    }

    /// Reads a configuration from YAML text.
    pub fn from_yaml(text: &str) -> Result<Config, String> {
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        // No source snippet in the message: it would show the lines around the problem,
        // tokens included.
        serde_saphyr::from_str_with_options(
            text,
            serde_saphyr::options! {
                with_snippet: false,
            },
        )
        .map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_names_only_what_it_changes() {
        let c = Config::from_yaml(
            "plan: business-critical\ncustom-roles: [Data Steward]\nmax-results: 50\n",
        )
        .unwrap();
        assert_eq!(c.plan, Plan::BusinessCritical);
        assert_eq!(c.custom_roles, vec!["Data Steward"]);
        assert_eq!(c.max_results, 50);
        assert_eq!(c.default_count, 100);
        assert!(Config::from_yaml("").unwrap() == Config::default());
    }

    #[test]
    fn debug_never_shows_the_tokens() {
        let c = Config {
            token: Some("s3cr3t-value".into()),
            admin_token: Some("adm1n-value".into()),
            ..Config::default()
        };
        let state = crate::AppState::new(&c);
        for shown in [
            format!("{c:?}"),
            format!("{state:?}"),
            format!("{:?}", *state.settings()),
        ] {
            assert!(
                !shown.contains("s3cr3t-value") && !shown.contains("adm1n-value"),
                "{shown}"
            );
        }
    }

    #[test]
    fn an_error_never_shows_the_tokens() {
        let e =
            Config::from_yaml("token: s3cr3t-value\nplann: starter\nadmin-token: adm1n-value\n")
                .unwrap_err();
        assert!(e.contains("plann"), "{e}");
        assert!(e.contains("line 2"), "{e}");
        assert!(
            !e.contains("s3cr3t-value") && !e.contains("adm1n-value"),
            "{e}"
        );
    }

    #[test]
    fn unknown_keys_are_errors() {
        let e = Config::from_yaml("plann: starter\n").unwrap_err();
        assert!(e.contains("plann"), "{e}");
    }
}
