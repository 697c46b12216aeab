//! The Okta side: an org with users and groups, and one app integration with its settings,
//! assignments, pushed groups, tasks and event log. All of it serialises to JSON, so the CLI
//! can keep one org across calls (`--state FILE`). Secrets are not part of it: the API token
//! is given to each run and never stored.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::IdGen;

/// An Okta user's lifecycle status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    /// Active.
    Active,
    /// Suspended: Okta sends nothing to apps.
    Suspended,
    /// Deactivated: Okta deprovisions the user's apps.
    Deactivated,
}

/// A user of the Okta org.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OktaUser {
    /// Okta's id, `00u...`: sent as the SCIM `externalId`.
    pub id: String,
    /// The Okta username (email-shaped).
    pub login: String,
    /// The primary email.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Locale, sent only when set (Okta omits empty values).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Lifecycle status.
    pub status: UserStatus,
}

impl OktaUser {
    /// `First Last`, as Okta sends `displayName` (without the space when a name is empty).
    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_owned()
    }
}

/// A group of the Okta org.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OktaGroup {
    /// Okta's id, `00g...`.
    pub id: String,
    /// The group name.
    pub name: String,
    /// Member user ids, in the order they were added.
    pub members: Vec<String>,
}

/// How the app integration's SCIM client updates resources (okta-wire §0).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ClientMode {
    /// PATCH mode: OIN catalogue apps such as Fivetran's, PATCH for (de)activation and group
    /// changes.
    #[default]
    OinPatch,
    /// PUT mode: apps built in the App Integration Wizard, GET then full PUT for everything.
    AiwPut,
}

impl ClientMode {
    /// Both modes, PATCH first.
    pub const ALL: [ClientMode; 2] = [ClientMode::OinPatch, ClientMode::AiwPut];
}

impl std::fmt::Display for ClientMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(match self {
            ClientMode::OinPatch => "oin-patch",
            ClientMode::AiwPut => "aiw-put",
        })
    }
}

impl std::fmt::Display for HeaderProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(match self {
            HeaderProfile::Okta => "okta",
            HeaderProfile::Runscope => "runscope",
        })
    }
}

/// Which request headers the client sends (okta-wire §1.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum HeaderProfile {
    /// Okta's provisioning engine: `User-Agent: Okta SCIM Client 1.0.0` and friends.
    #[default]
    Okta,
    /// Okta's Runscope test files: `User-Agent: OKTA SCIM Integration`, `Content-Type` on
    /// GETs, `application/json` on POSTs.
    Runscope,
}

/// The Sign On "Application username format".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UsernameFormat {
    /// The Okta user's email (the guide: "select the Email username format").
    #[default]
    Email,
    /// The Okta username.
    OktaUsername,
}

/// The "Configure API Integration" settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiIntegration {
    /// "Enable API integration".
    pub enabled: bool,
    /// The SCIM base URL (Okta appends `/Users` and `/Groups`).
    pub base_url: String,
}

/// The "To App" provisioning switches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToApp {
    /// Create Users.
    pub create_users: bool,
    /// Update User Attributes.
    pub update_user_attributes: bool,
    /// Deactivate Users.
    pub deactivate_users: bool,
}

impl Default for ToApp {
    fn default() -> Self {
        ToApp {
            create_users: true,
            update_user_attributes: true,
            deactivate_users: true,
        }
    }
}

/// An app-user profile attribute mapped to a SCIM attribute, such as the guide's Role:
/// External name `roles.^[primary==true].value`, namespace
/// `urn:ietf:params:scim:schemas:core:2.0:User`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeMapping {
    /// The app-user attribute (`role`).
    pub attribute: String,
    /// The External name.
    pub external_name: String,
    /// The External namespace.
    pub external_namespace: String,
}

impl AttributeMapping {
    /// The guide's Role mapping.
    pub fn fivetran_role() -> AttributeMapping {
        AttributeMapping {
            attribute: "role".into(),
            external_name: "roles.^[primary==true].value".into(),
            external_namespace: scim_core::urn::USER.into(),
        }
    }
}

/// A user's assignment to the app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    /// The Okta user.
    pub user_id: String,
    /// App-user attribute values (`role`).
    pub attributes: BTreeMap<String, String>,
    /// Assigned directly (not only through groups).
    pub direct: bool,
    /// Groups through which the user is assigned.
    pub via_groups: Vec<String>,
    /// The SCIM id of the linked app user, once provisioned (created or linked). State files
    /// written before this was the only record may also hold `provisioned`, which is ignored:
    /// it always matched `scim_id.is_some()`.
    pub scim_id: Option<String>,
    /// Whether the app user was last seen active in the app.
    pub app_active: bool,
}

/// A group's assignment to the app, with the attribute values its members get.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupAssignment {
    /// The Okta group.
    pub group_id: String,
    /// App-user attribute values for its members.
    pub attributes: BTreeMap<String, String>,
}

/// A group pushed to the app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushedGroup {
    /// The Okta group.
    pub group_id: String,
    /// The app group's SCIM id: a group is recorded as pushed once it is linked or created.
    pub scim_id: String,
}

/// An app user seen by Import Now, and how it matched Okta users.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedUser {
    /// Its SCIM id.
    pub scim_id: String,
    /// Its `userName`.
    pub user_name: String,
    /// Its primary email, if any.
    pub email: Option<String>,
    /// Its given name.
    pub given_name: Option<String>,
    /// Its family name.
    pub family_name: Option<String>,
    /// How it matched.
    pub matched: ImportMatch,
}

/// How Import Now matched an app user to the Okta org (as Okta's import review shows).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "user")]
pub enum ImportMatch {
    /// Its userName is an Okta user's username.
    Exact(String),
    /// Only its email, or its first and last names, match an Okta user.
    Partial(String),
    /// No Okta user matches.
    Unmatched,
}

/// An app group seen by Import Now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedGroup {
    /// Its SCIM id.
    pub scim_id: String,
    /// Its `displayName`.
    pub display_name: String,
}

/// What a task is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// Creating or linking a user.
    Provisioning,
    /// Pushing a profile update.
    ProfilePush,
    /// Deactivating a user ("Application accounts need deprovisioning").
    Deprovisioning,
    /// Group Push.
    GroupPush,
    /// Import.
    Import,
}

/// What Retry does for a task.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "action", content = "subject")]
pub enum RetryAction {
    /// Provision the user again.
    Provision(String),
    /// Push the user's profile again.
    PushProfile(String),
    /// Push the group again (Push Now).
    PushGroup(String),
}

/// A failed provisioning task, as Okta's Tasks page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// Sequence number.
    pub id: u64,
    /// What failed.
    pub kind: TaskKind,
    /// The user login or group name.
    pub subject: String,
    /// Okta's message, with the server's `detail`.
    pub message: String,
    /// What Retry does; `None` when Okta offers no Retry (a failed deactivation).
    pub retry: Option<RetryAction>,
}

/// The whole Okta side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Org {
    /// Users.
    pub users: Vec<OktaUser>,
    /// Groups.
    pub groups: Vec<OktaGroup>,
    /// The app integration.
    pub app: App,
    /// Open tasks.
    pub tasks: Vec<Task>,
    /// The event log (what happened, in order).
    pub events: Vec<String>,
    /// Id and placeholder-password generator.
    pub ids: IdGen,
}

/// Okta's default "Group Patch Batch Size" (Okta's documentation gives 100 to 1,000,
/// default 100).
pub const DEFAULT_GROUP_PATCH_BATCH_SIZE: usize = 100;

fn default_group_patch_batch_size() -> usize {
    DEFAULT_GROUP_PATCH_BATCH_SIZE
}

fn on() -> bool {
    true
}

fn one() -> usize {
    1
}

/// The app integration ("Fivetran" by default).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct App {
    /// The application label.
    pub label: String,
    /// API integration.
    pub api: ApiIntegration,
    /// To App switches.
    pub to_app: ToApp,
    /// PATCH or PUT mode.
    pub mode: ClientMode,
    /// Request header profile.
    pub headers: HeaderProfile,
    /// Username format.
    pub username_format: UsernameFormat,
    /// App-user attribute mappings.
    pub mappings: Vec<AttributeMapping>,
    /// Provisioning > Integration > Import Groups.
    pub import_groups: bool,
    /// Push Groups' "Group Patch Batch Size": the most member changes one membership PATCH
    /// carries; more go out in further PATCHes (okta-wire, project additions).
    #[serde(default = "default_group_patch_batch_size")]
    pub group_patch_batch_size: usize,
    /// The latest Fivetran app's teams from group assignments: "We automatically create a
    /// new team in your Fivetran account when you add your company groups on the Assignments
    /// tab" (the guide). On, Assign to Groups also pushes the group (inference 20).
    #[serde(default = "on")]
    pub teams_from_group_assignments: bool,
    /// How many provisioning tasks of one mass action (Assign to Groups) run at once
    /// (inference 22). 1, the default, provisions the users one after another.
    #[serde(default = "one")]
    pub provisioning_concurrency: usize,
    /// User assignments.
    pub assignments: Vec<Assignment>,
    /// Group assignments.
    pub group_assignments: Vec<GroupAssignment>,
    /// Push Groups.
    pub pushed_groups: Vec<PushedGroup>,
    /// Users from the last Import Now, awaiting Confirm Assignments.
    pub import_review: Vec<ImportedUser>,
    /// App groups from the last Import Now.
    pub imported_groups: Vec<ImportedGroup>,
}

impl Org {
    /// A new org with the Fivetran app integration pointed at `base_url`, in `mode`.
    pub fn fivetran(base_url: &str, mode: ClientMode) -> Org {
        Org {
            users: Vec::new(),
            groups: Vec::new(),
            app: App {
                label: "Fivetran".into(),
                api: ApiIntegration {
                    enabled: true,
                    base_url: base_url.trim_end_matches('/').to_owned(),
                },
                to_app: ToApp::default(),
                mode,
                headers: HeaderProfile::Okta,
                username_format: UsernameFormat::Email,
                mappings: vec![AttributeMapping::fivetran_role()],
                import_groups: false,
                group_patch_batch_size: DEFAULT_GROUP_PATCH_BATCH_SIZE,
                teams_from_group_assignments: true,
                provisioning_concurrency: 1,
                assignments: Vec::new(),
                group_assignments: Vec::new(),
                pushed_groups: Vec::new(),
                import_review: Vec::new(),
                imported_groups: Vec::new(),
            },
            tasks: Vec::new(),
            events: Vec::new(),
            ids: IdGen::random(),
        }
    }

    /// A user by login (ignoring case) or id.
    pub fn user(&self, login_or_id: &str) -> Option<&OktaUser> {
        self.users
            .iter()
            .find(|u| u.id == login_or_id || u.login.eq_ignore_ascii_case(login_or_id))
    }

    /// A group by name (ignoring case) or id.
    pub fn group(&self, name_or_id: &str) -> Option<&OktaGroup> {
        self.groups
            .iter()
            .find(|g| g.id == name_or_id || g.name.eq_ignore_ascii_case(name_or_id))
    }

    /// The assignment of a user, if any.
    pub fn assignment(&self, user_id: &str) -> Option<&Assignment> {
        self.app.assignments.iter().find(|a| a.user_id == user_id)
    }

    pub(crate) fn assignment_mut(&mut self, user_id: &str) -> Option<&mut Assignment> {
        self.app
            .assignments
            .iter_mut()
            .find(|a| a.user_id == user_id)
    }

    /// The SCIM id of a user's app user (by login or Okta id), once Okta has provisioned or
    /// linked it.
    pub fn app_user_id(&self, login_or_id: &str) -> Option<&str> {
        let user = self.user(login_or_id)?;
        self.assignment(&user.id)?.scim_id.as_deref()
    }

    /// The SCIM id of a group's app group (by name or Okta id), once Okta has pushed it.
    pub fn app_group_id(&self, name_or_id: &str) -> Option<&str> {
        let group = self.group(name_or_id)?;
        self.app
            .pushed_groups
            .iter()
            .find(|p| p.group_id == group.id)
            .map(|p| p.scim_id.as_str())
    }

    /// Every SCIM id the app integration has known, users' then groups': what a cleanup of
    /// the app must cover.
    pub fn app_ids(&self) -> (Vec<&str>, Vec<&str>) {
        (
            self.app
                .assignments
                .iter()
                .filter_map(|a| a.scim_id.as_deref())
                .collect(),
            self.app
                .pushed_groups
                .iter()
                .map(|p| p.scim_id.as_str())
                .collect(),
        )
    }

    /// The app `userName` Okta sends for a user, per the username format.
    pub fn app_username(&self, user: &OktaUser) -> String {
        match self.app.username_format {
            UsernameFormat::Email => user.email.clone(),
            UsernameFormat::OktaUsername => user.login.clone(),
        }
    }

    /// Records an event.
    pub(crate) fn event(&mut self, message: impl Into<String>) {
        self.events.push(message.into());
    }

    /// Opens a task.
    pub(crate) fn open_task(
        &mut self,
        kind: TaskKind,
        subject: &str,
        message: String,
        retry: Option<RetryAction>,
    ) -> Task {
        let id = self.tasks.iter().map(|t| t.id).max().unwrap_or(0) + 1;
        let task = Task {
            id,
            kind,
            subject: subject.to_owned(),
            message,
            retry,
        };
        self.tasks.push(task.clone());
        task
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_files_with_the_old_provisioned_flag_still_load() {
        let a: Assignment = serde_json::from_value(serde_json::json!({
            "user_id": "00u1", "attributes": {}, "direct": true, "via_groups": [],
            "scim_id": "2819c223", "provisioned": true, "app_active": true
        }))
        .unwrap();
        assert_eq!(a.scim_id.as_deref(), Some("2819c223"));
        let back = serde_json::to_value(&a).unwrap();
        assert!(back.get("provisioned").is_none(), "{back}");
    }

    #[test]
    fn display_name_drops_the_space_of_an_empty_name() {
        let mut u = OktaUser {
            id: "00u1".into(),
            login: "a@x.test".into(),
            email: "a@x.test".into(),
            first_name: "Ann".into(),
            last_name: "Lee".into(),
            locale: None,
            status: UserStatus::Active,
        };
        assert_eq!(u.display_name(), "Ann Lee");
        u.last_name.clear();
        assert_eq!(u.display_name(), "Ann");
    }
}
