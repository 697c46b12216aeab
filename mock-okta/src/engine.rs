//! The provisioning engine: `MockOkta` holds the org and a SCIM client, and each admin action
//! is a method that changes the org and sends what Okta sends.

use scim_core::json::get_ci;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::client::{ClientOptions, Reply, ScimClient, SendError};
use crate::model::{ImportedUser, Org, RetryAction, Task, TaskKind};
use scim_client::Exchange;

/// What came of an action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// Everything Okta would send was sent and accepted.
    Succeeded,
    /// Okta would send nothing (a switch is off, the user is suspended...).
    NothingSent {
        /// Why.
        reason: String,
    },
    /// The admin sees an error on the page, and no task is made (Test API Credentials).
    Failed {
        /// Okta's message.
        message: String,
    },
    /// Provisioning failed and Okta opened a task.
    TaskOpened {
        /// The task.
        task: Task,
    },
}

impl Outcome {
    /// Whether nothing went wrong.
    pub fn is_ok(&self) -> bool {
        matches!(self, Outcome::Succeeded | Outcome::NothingSent { .. })
    }

    /// Which of the four it is.
    pub fn kind(&self) -> OutcomeKind {
        match self {
            Outcome::Succeeded => OutcomeKind::Succeeded,
            Outcome::NothingSent { .. } => OutcomeKind::NothingSent,
            Outcome::Failed { .. } => OutcomeKind::Failed,
            Outcome::TaskOpened { .. } => OutcomeKind::TaskOpened,
        }
    }

    /// What Okta says about it: why nothing was sent, the page's error, the task's message.
    pub fn message(&self) -> Option<&str> {
        match self {
            Outcome::Succeeded => None,
            Outcome::NothingSent { reason } => Some(reason),
            Outcome::Failed { message } => Some(message),
            Outcome::TaskOpened { task } => Some(&task.message),
        }
    }
}

/// An [`Outcome`] without its details: what a scenario expects of an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// Everything sent was accepted.
    Succeeded,
    /// Nothing was sent.
    NothingSent,
    /// An error on the page (Test API Credentials).
    Failed,
    /// A provisioning task was opened.
    TaskOpened,
}

impl std::fmt::Display for OutcomeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(match self {
            OutcomeKind::Succeeded => "succeeded",
            OutcomeKind::NothingSent => "nothing_sent",
            OutcomeKind::Failed => "failed",
            OutcomeKind::TaskOpened => "task_opened",
        })
    }
}

/// What Import Now saw.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// Active app users scanned.
    pub users_scanned: usize,
    /// Inactive app users skipped ("Okta doesn't pull in a user whose status is set to
    /// active=false").
    pub users_skipped_inactive: usize,
    /// App groups scanned (Import Groups on).
    pub groups_scanned: usize,
    /// The users awaiting Confirm Assignments, with how they matched.
    pub review: Vec<ImportedUser>,
}

/// An action's result: its outcome, the requests it sent, and the events it logged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActionReport {
    /// The action, as the CLI names it.
    pub action: String,
    /// What came of it.
    pub outcome: Outcome,
    /// Every request and response, in order.
    pub exchanges: Vec<Exchange>,
    /// Events logged during the action.
    pub events: Vec<String>,
    /// For Import Now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import: Option<ImportSummary>,
}

/// Why an action could not run at all (a mistake in the request, not a provisioning failure).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    /// No such Okta user.
    #[error("no Okta user {0:?}")]
    UnknownUser(String),
    /// No such Okta group.
    #[error("no Okta group {0:?}")]
    UnknownGroup(String),
    /// No such task.
    #[error("no task {0}")]
    UnknownTask(u64),
    /// The action does not apply in the current state.
    #[error("{0}")]
    NotApplicable(String),
}

/// An Okta org with its app integration, sending Okta's SCIM requests.
#[derive(Debug)]
pub struct MockOkta {
    pub(crate) org: Org,
    /// One client for the life of the org, so its connection pool outlives each action.
    pub(crate) client: ScimClient,
    events_at: usize,
}

impl MockOkta {
    /// Mock Okta for an org, talking to its app integration's base URL.
    pub fn new(org: Org, options: ClientOptions) -> MockOkta {
        let client = ScimClient::new(&org.app.api.base_url, org.app.headers, options);
        MockOkta {
            org,
            client,
            events_at: 0,
        }
    }

    /// The org.
    pub fn org(&self) -> &Org {
        &self.org
    }

    /// The org, to change settings (switches, mode, mappings) between actions.
    pub fn org_mut(&mut self) -> &mut Org {
        &mut self.org
    }

    /// The org, to save it.
    pub fn into_org(self) -> Org {
        self.org
    }

    /// Provisioning > Integration > API token: the admin pastes a regenerated token. Nothing
    /// is sent.
    pub fn set_token(&mut self, token: scim_client::Secret) {
        self.client.set_token(token);
    }

    /// Starts an action: the client picks up the current settings (base URL and header
    /// profile, which may have changed between actions) and forgets anything an action that
    /// ended early left behind.
    pub(crate) fn begin(&mut self) {
        self.client
            .retarget(&self.org.app.api.base_url, self.org.app.headers);
        self.client.take_exchanges();
        self.events_at = self.org.events.len();
    }

    /// Ends an action.
    pub(crate) fn finish(&mut self, action: &str, outcome: Outcome) -> ActionReport {
        let exchanges = self.client.take_exchanges();
        // What Okta shows while a rate-limited task waits (okta-wire §1.4: it "immediately
        // pauses the provisioning task" and reschedules it).
        // They are listed first among the action's events: each pause came before whatever
        // the action then did.
        let mut pauses = Vec::new();
        let mut attempt = 0;
        for ex in &exchanges {
            match ex.then_waited_secs {
                Some(secs) => {
                    attempt += 1;
                    pauses.push(format!(
                        "task paused: {} {} was rate limited (429); rescheduled after {secs} s \
                         (attempt {attempt} of {})",
                        ex.request.method,
                        ex.request.path,
                        crate::client::MAX_ATTEMPTS
                    ));
                }
                None => attempt = 0,
            }
        }
        let at = self.events_at.min(self.org.events.len());
        self.org.events.splice(at..at, pauses);
        ActionReport {
            action: action.to_owned(),
            outcome,
            exchanges,
            events: self.org.events[self.events_at.min(self.org.events.len())..].to_vec(),
            import: None,
        }
    }

    /// Opens a task and returns the outcome that reports it.
    pub(crate) fn task(
        &mut self,
        kind: TaskKind,
        subject: &str,
        message: String,
        retry: Option<RetryAction>,
    ) -> Outcome {
        let task = self.org.open_task(kind, subject, message, retry);
        self.org
            .event(format!("task {} opened: {}", task.id, task.message));
        Outcome::TaskOpened { task }
    }

    /// Retries a task (Okta's Retry button). Tasks without Retry cannot be retried.
    pub async fn retry_task(&mut self, id: u64) -> Result<ActionReport, ActionError> {
        let task = self
            .org
            .tasks
            .iter()
            .find(|t| t.id == id)
            .cloned()
            .ok_or(ActionError::UnknownTask(id))?;
        let Some(retry) = task.retry.clone() else {
            return Err(ActionError::NotApplicable(format!(
                "task {id} has no Retry: Okta makes a manual task for a failed deactivation"
            )));
        };
        self.org.tasks.retain(|t| t.id != id);
        self.begin();
        let outcome = match retry {
            RetryAction::Provision(user) => self.provision(&user).await,
            RetryAction::PushProfile(user) => self.push_profile(&user).await,
            RetryAction::PushGroup(group) => self.push_group_now(&group).await,
        };
        Ok(self.finish("retry-task", outcome))
    }
}

/// Reads a ListResponse leniently, as Okta does (it also accepts lower-case `resources`).
pub(crate) fn list_resources(reply: &Reply) -> Option<(u64, Vec<&Map<String, Value>>)> {
    let body = reply.json.as_ref()?.as_object()?;
    // Borrowed, not cloned: Import Now reads every page, and keeps only what it needs.
    let resources: Vec<&Map<String, Value>> = match get_ci(body, "Resources") {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_object).collect(),
        _ => Vec::new(),
    };
    let total = get_ci(body, "totalResults")
        .and_then(Value::as_u64)
        .unwrap_or(resources.len() as u64);
    Some((total, resources))
}

/// The reply, if the server accepted the request (2xx); else how the failure reads in a task
/// message.
pub(crate) fn accepted(result: &Result<Reply, SendError>) -> Result<&Reply, String> {
    match result {
        Ok(r) if r.is_success() => Ok(r),
        _ => Err(failure(result)),
    }
}

/// How a failed request reads in a task message.
pub(crate) fn failure(result: &Result<Reply, SendError>) -> String {
    match result {
        Err(e) => e.to_string(),
        Ok(r) => {
            let reason = reqwest::StatusCode::from_u16(r.status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("Error");
            format!(
                "{reason}. Errors reported by remote server: {}",
                r.error_detail()
            )
        }
    }
}
