//! The state every handler shares: the store, the runtime settings that the admin API
//! changes, the clock and the limits.

use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::clock::{Clock, SystemClock};
use crate::config::{Config, Plan};
use crate::store::{MemoryStore, Store};

/// What "Account Settings > General > SCIM Config" holds, and can change at runtime.
/// Its `Debug` hides the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Settings {
    /// The account's plan.
    pub plan: Plan,
    /// The "Enable SCIM Provisioning" toggle.
    pub scim_enabled: bool,
    /// The current SCIM API token.
    pub token: String,
    /// Custom account-level roles.
    pub custom_roles: Vec<String>,
    /// Whether `userName` must equal the primary email (`require-username-email`).
    pub require_username_email: bool,
    /// A sandbox switch: the next SCIM requests are answered `429` (see [`Throttle`]).
    pub throttle: Option<Throttle>,
    /// Bulk's limits (`max_operations` 0: Bulk is off).
    pub bulk: BulkLimits,
}

/// What one BulkRequest may hold (RFC 7644 §3.7.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BulkLimits {
    /// `maxOperations`; 0 turns Bulk off.
    pub max_operations: usize,
    /// `maxPayloadSize`, in bytes.
    pub max_payload_size: usize,
}

/// The admin API's rate limit for tests of a client's back-off: the next `remaining` SCIM
/// requests (after their token is checked) are answered `429 Too Many Requests` with
/// `Retry-After: retry_after`. Fivetran's rate limits are undocumented; this only lets a
/// sandbox show what a client does with a `429`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Throttle {
    /// Requests still to refuse.
    pub remaining: u32,
    /// The `Retry-After` they carry, in seconds.
    pub retry_after: u64,
}

impl Settings {
    /// The rules a user body is read against.
    pub fn policy(&self) -> crate::fivetran::Policy {
        crate::fivetran::Policy {
            custom_roles: self.custom_roles.clone(),
            require_username_email: self.require_username_email,
        }
    }
}

/// Request limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most resources per page (`filter.maxResults`).
    pub max_results: usize,
    /// The page size when `count` is absent.
    pub default_count: usize,
    /// The largest request body, in bytes.
    pub max_body_bytes: usize,
    /// How long a request's body may take to arrive.
    pub body_timeout: std::time::Duration,
}

/// Shared, cheaply clonable server state. Its `Debug` shows no token.
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

struct Shared {
    store: Arc<dyn Store>,
    settings: RwLock<Settings>,
    admin_token: String,
    clock: Arc<dyn Clock>,
    limits: Limits,
    public_url: Option<String>,
    public_discovery: bool,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("plan", &self.plan)
            .field("scim_enabled", &self.scim_enabled)
            .field("token", &crate::config::REDACTED)
            .field("custom_roles", &self.custom_roles)
            .field("require_username_email", &self.require_username_email)
            .field("throttle", &self.throttle)
            .finish()
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("limits", &self.0.limits)
            .field("public_url", &self.0.public_url)
            .field("public_discovery", &self.0.public_discovery)
            .finish_non_exhaustive()
    }
}

/// A fresh random token: 256 bits from the OS, as 64 hex digits.
pub fn generate_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

impl AppState {
    /// State for a configuration, with an empty in-memory store and the system clock.
    /// Tokens the configuration leaves out are generated; read them back with
    /// [`settings`](Self::settings) and [`admin_token`](Self::admin_token).
    pub fn new(config: &Config) -> AppState {
        AppState::with_parts(config, Arc::new(MemoryStore::new()), Arc::new(SystemClock))
    }

    /// State with a chosen store and clock (tests use a manual clock).
    pub fn with_parts(config: &Config, store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> AppState {
        let settings = Settings {
            plan: config.plan,
            scim_enabled: config.scim_enabled,
            token: config.token.clone().unwrap_or_else(generate_token),
            custom_roles: config.custom_roles.clone(),
            require_username_email: config.require_username_email,
            throttle: None,
            bulk: BulkLimits {
                max_operations: config.bulk_max_operations,
                max_payload_size: config.bulk_max_payload_bytes.min(config.max_body_bytes),
            },
        };
        AppState(Arc::new(Shared {
            store,
            settings: RwLock::new(settings),
            admin_token: config.admin_token.clone().unwrap_or_else(generate_token),
            clock,
            limits: Limits {
                max_results: config.max_results.max(1),
                default_count: config.default_count.clamp(1, config.max_results.max(1)),
                max_body_bytes: config.max_body_bytes,
                body_timeout: std::time::Duration::from_secs(config.body_timeout_secs.max(1)),
            },
            public_url: config
                .public_url
                .as_ref()
                .map(|u| u.trim_end_matches('/').to_owned()),
            public_discovery: config.public_discovery,
        }))
    }

    /// The store.
    pub fn store(&self) -> &dyn Store {
        &*self.0.store
    }

    /// The current settings (a read lock: do not hold it across an await).
    pub fn settings(&self) -> RwLockReadGuard<'_, Settings> {
        self.0.settings.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The settings, to change them.
    pub fn settings_mut(&self) -> RwLockWriteGuard<'_, Settings> {
        self.0.settings.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The admin API credential.
    pub fn admin_token(&self) -> &str {
        &self.0.admin_token
    }

    /// The clock.
    pub fn clock(&self) -> &dyn Clock {
        &*self.0.clock
    }

    /// The limits.
    pub fn limits(&self) -> Limits {
        self.0.limits
    }

    /// Whether discovery endpoints answer without a token.
    pub fn public_discovery(&self) -> bool {
        self.0.public_discovery
    }

    /// The configured public base URL, if any.
    pub fn public_url(&self) -> Option<&str> {
        self.0.public_url.as_deref()
    }
}
