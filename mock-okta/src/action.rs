//! The admin actions, as data: one vocabulary that the mock-okta command line (a subcommand
//! each) and the scenario format (`okta:` steps) both read, so the two cannot drift apart.
//! [`MockOkta::perform`] runs any of them.
//!
//! Users are named by Okta login and groups by name. A scenario names fixture keys instead,
//! and adds its run prefix to new group names; the harness rewrites those with
//! [`Action::try_map`] before performing the action.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::engine::{ActionError, ActionReport, MockOkta, Outcome};
use crate::model::App;
use crate::users::ProfileChange;

/// The app integration's switches. Each absent one stays as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, clap::Args)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Enable API integration (provisioning).
    #[arg(long)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning: Option<bool>,
    /// To App > Create Users.
    #[arg(long)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_users: Option<bool>,
    /// To App > Update User Attributes.
    #[arg(long = "update-attributes")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_user_attributes: Option<bool>,
    /// To App > Deactivate Users.
    #[arg(long)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deactivate_users: Option<bool>,
    /// Provisioning > Integration > Import Groups.
    #[arg(long)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_groups: Option<bool>,
    /// Push Groups > Group Patch Batch Size: the most member changes per membership PATCH
    /// (100 to 1,000; Okta's default 100).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1000))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 1000)))]
    pub group_patch_batch_size: Option<u16>,
    /// The latest Fivetran app: Assign to Groups also creates the group's team (pushes it).
    #[arg(long)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teams_from_group_assignments: Option<bool>,
    /// How many provisioning tasks of a mass assignment (Assign to Groups, or several
    /// people at once) run at once (1 to 32; 1 provisions one user after another).
    #[arg(long, value_parser = clap::value_parser!(u8).range(1..=32))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 32)))]
    pub provisioning_concurrency: Option<u8>,
}

impl Settings {
    /// Sets the given switches on an app integration.
    pub fn apply(&self, app: &mut App) {
        if let Some(v) = self.provisioning {
            app.api.enabled = v;
        }
        if let Some(v) = self.create_users {
            app.to_app.create_users = v;
        }
        if let Some(v) = self.update_user_attributes {
            app.to_app.update_user_attributes = v;
        }
        if let Some(v) = self.deactivate_users {
            app.to_app.deactivate_users = v;
        }
        if let Some(v) = self.import_groups {
            app.import_groups = v;
        }
        if let Some(v) = self.group_patch_batch_size {
            app.group_patch_batch_size = usize::from(v.clamp(1, 1000));
        }
        if let Some(v) = self.teams_from_group_assignments {
            app.teams_from_group_assignments = v;
        }
        if let Some(v) = self.provisioning_concurrency {
            app.provisioning_concurrency = usize::from(v.clamp(1, 32));
        }
    }
}

/// An admin action in Okta. Each sends what Okta sends for it (see `mock-okta/README.md`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, clap::Subcommand)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Provisioning > Integration > Test API Credentials.
    TestApiCredentials,
    /// Save the provisioning settings (tests the credentials; lists groups if Import Groups
    /// is on).
    SaveSettings,
    /// Change the app's switches (sends nothing).
    Settings(Settings),
    /// Assign > Assign to People.
    AssignUser {
        /// The user (a scenario names a fixture user).
        #[arg(value_name = "LOGIN")]
        user: String,
        /// The Role app-user attribute.
        #[arg(long)]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<String>,
    },
    /// Assign > Assign to People, several people at once: their provisioning tasks run
    /// `provisioning_concurrency` at a time.
    AssignUsers {
        /// The users (a scenario names fixture users, or a crowd for all of its users).
        #[arg(value_name = "LOGIN", required = true)]
        users: Vec<String>,
        /// The Role app-user attribute, for each of them.
        #[arg(long)]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<String>,
    },
    /// Assign > Assign to Groups.
    AssignGroup {
        /// The group (a scenario names a fixture group).
        #[arg(value_name = "NAME")]
        group: String,
        /// The Role for its members.
        #[arg(long)]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<String>,
    },
    /// Add a user to an Okta group.
    AddGroupMember {
        /// The group.
        group: String,
        /// The user.
        #[arg(value_name = "LOGIN")]
        user: String,
    },
    /// Remove a user from an Okta group.
    RemoveGroupMember {
        /// The group.
        group: String,
        /// The user.
        #[arg(value_name = "LOGIN")]
        user: String,
    },
    /// Change a user's Okta profile, and push it.
    UpdateUser {
        /// The user.
        #[arg(value_name = "LOGIN")]
        user: String,
        /// New first name.
        #[arg(long = "first")]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        first_name: Option<String>,
        /// New last name.
        #[arg(long = "last")]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_name: Option<String>,
        /// New email (and, with the Email username format, a new userName).
        #[arg(long)]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        email: Option<String>,
        /// New Okta username.
        #[arg(long)]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        new_login: Option<String>,
    },
    /// Change a user's Role, and push it.
    SetRole {
        /// The user.
        #[arg(value_name = "LOGIN")]
        user: String,
        /// The new role.
        role: String,
    },
    /// Unassign a user (its app user is deactivated).
    UnassignUser {
        /// The user.
        #[arg(value_name = "LOGIN")]
        user: String,
    },
    /// Deactivate a user in Okta.
    DeactivateUser {
        /// The user.
        #[arg(value_name = "LOGIN")]
        user: String,
    },
    /// Reactivate a user in Okta.
    ReactivateUser {
        /// The user.
        #[arg(value_name = "LOGIN")]
        user: String,
    },
    /// Suspend a user in Okta (nothing is sent).
    SuspendUser {
        /// The user.
        #[arg(value_name = "LOGIN")]
        user: String,
    },
    /// Unsuspend a user in Okta (nothing is sent).
    UnsuspendUser {
        /// The user.
        #[arg(value_name = "LOGIN")]
        user: String,
    },
    /// Provision User, for assignments made before provisioning was enabled.
    ProvisionUser {
        /// The user.
        #[arg(value_name = "LOGIN")]
        user: String,
    },
    /// Import > Import Now.
    ImportNow,
    /// Import > Confirm Assignments, for imported userNames.
    ConfirmAssignments {
        /// The imported userNames to confirm.
        #[arg(value_name = "USERNAME")]
        users: Vec<String>,
    },
    /// Push Groups: push a group.
    PushGroup {
        /// The group.
        #[arg(value_name = "NAME")]
        group: String,
    },
    /// Push Groups: Push Now.
    PushNow {
        /// The group.
        #[arg(value_name = "NAME")]
        group: String,
    },
    /// Rename an Okta group (a pushed group is renamed in the app).
    RenameGroup {
        /// The group.
        #[arg(value_name = "NAME")]
        group: String,
        /// The new name (a scenario's run prefix is added to it).
        #[arg(value_name = "NEW_NAME")]
        name: String,
    },
    /// Push Groups: unlink, keeping or deleting the app group.
    UnlinkGroup {
        /// The group.
        #[arg(value_name = "NAME")]
        group: String,
        /// Delete the app group too.
        #[arg(long)]
        #[serde(default)]
        delete: bool,
    },
    /// Retry a task (Okta's Retry button).
    RetryTask {
        /// The task's number, as the Tasks page and earlier reports show it.
        id: u64,
    },
}

/// What a string in an action stands for, for [`Action::try_map`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// An Okta user (a login; a fixture key in a scenario).
    User,
    /// An Okta group (a name; a fixture key in a scenario).
    Group,
    /// A new name for a group.
    GroupName,
    /// Any other text: a role, a name, an email, an imported userName.
    Text,
}

impl Action {
    /// The action's name, as the command line writes it (`assign-user`).
    pub fn name(&self) -> &'static str {
        match self {
            Action::TestApiCredentials => "test-api-credentials",
            Action::SaveSettings => "save-settings",
            Action::Settings(_) => "settings",
            Action::AssignUser { .. } => "assign-user",
            Action::AssignUsers { .. } => "assign-users",
            Action::AssignGroup { .. } => "assign-group",
            Action::AddGroupMember { .. } => "add-group-member",
            Action::RemoveGroupMember { .. } => "remove-group-member",
            Action::UpdateUser { .. } => "update-user",
            Action::SetRole { .. } => "set-role",
            Action::UnassignUser { .. } => "unassign-user",
            Action::DeactivateUser { .. } => "deactivate-user",
            Action::ReactivateUser { .. } => "reactivate-user",
            Action::SuspendUser { .. } => "suspend-user",
            Action::UnsuspendUser { .. } => "unsuspend-user",
            Action::ProvisionUser { .. } => "provision-user",
            Action::ImportNow => "import-now",
            Action::ConfirmAssignments { .. } => "confirm-assignments",
            Action::PushGroup { .. } => "push-group",
            Action::PushNow { .. } => "push-now",
            Action::RenameGroup { .. } => "rename-group",
            Action::UnlinkGroup { .. } => "unlink-group",
            Action::RetryTask { .. } => "retry-task",
        }
    }

    /// The same action with every string rewritten by `f`, which is told what the string
    /// stands for and under which field it is written. The first error stops the rewrite.
    pub fn try_map<E>(
        self,
        mut f: impl FnMut(Slot, &'static str, String) -> Result<String, E>,
    ) -> Result<Action, E> {
        use Slot::{Group, GroupName, Text, User};
        /// An optional text field, rewritten when present.
        fn opt<E>(
            field: &'static str,
            v: Option<String>,
            f: &mut impl FnMut(Slot, &'static str, String) -> Result<String, E>,
        ) -> Result<Option<String>, E> {
            v.map(|v| f(Slot::Text, field, v)).transpose()
        }
        Ok(match self {
            Action::TestApiCredentials => Action::TestApiCredentials,
            Action::SaveSettings => Action::SaveSettings,
            Action::Settings(s) => Action::Settings(s),
            Action::AssignUser { user, role } => Action::AssignUser {
                user: f(User, "user", user)?,
                role: opt("role", role, &mut f)?,
            },
            Action::AssignUsers { users, role } => Action::AssignUsers {
                users: users
                    .into_iter()
                    .map(|u| f(User, "users", u))
                    .collect::<Result<_, _>>()?,
                role: opt("role", role, &mut f)?,
            },
            Action::AssignGroup { group, role } => Action::AssignGroup {
                group: f(Group, "group", group)?,
                role: opt("role", role, &mut f)?,
            },
            Action::AddGroupMember { group, user } => Action::AddGroupMember {
                group: f(Group, "group", group)?,
                user: f(User, "user", user)?,
            },
            Action::RemoveGroupMember { group, user } => Action::RemoveGroupMember {
                group: f(Group, "group", group)?,
                user: f(User, "user", user)?,
            },
            Action::UpdateUser {
                user,
                first_name,
                last_name,
                email,
                new_login,
            } => Action::UpdateUser {
                user: f(User, "user", user)?,
                first_name: opt("first_name", first_name, &mut f)?,
                last_name: opt("last_name", last_name, &mut f)?,
                email: opt("email", email, &mut f)?,
                new_login: opt("new_login", new_login, &mut f)?,
            },
            Action::SetRole { user, role } => Action::SetRole {
                user: f(User, "user", user)?,
                role: f(Text, "role", role)?,
            },
            Action::UnassignUser { user } => Action::UnassignUser {
                user: f(User, "user", user)?,
            },
            Action::DeactivateUser { user } => Action::DeactivateUser {
                user: f(User, "user", user)?,
            },
            Action::ReactivateUser { user } => Action::ReactivateUser {
                user: f(User, "user", user)?,
            },
            Action::SuspendUser { user } => Action::SuspendUser {
                user: f(User, "user", user)?,
            },
            Action::UnsuspendUser { user } => Action::UnsuspendUser {
                user: f(User, "user", user)?,
            },
            Action::ProvisionUser { user } => Action::ProvisionUser {
                user: f(User, "user", user)?,
            },
            Action::ImportNow => Action::ImportNow,
            Action::ConfirmAssignments { users } => Action::ConfirmAssignments {
                users: users
                    .into_iter()
                    .map(|u| f(Text, "users", u))
                    .collect::<Result<_, _>>()?,
            },
            Action::PushGroup { group } => Action::PushGroup {
                group: f(Group, "group", group)?,
            },
            Action::PushNow { group } => Action::PushNow {
                group: f(Group, "group", group)?,
            },
            Action::RenameGroup { group, name } => Action::RenameGroup {
                group: f(Group, "group", group)?,
                name: f(GroupName, "name", name)?,
            },
            Action::UnlinkGroup { group, delete } => Action::UnlinkGroup {
                group: f(Group, "group", group)?,
                delete,
            },
            Action::RetryTask { id } => Action::RetryTask { id },
        })
    }

    /// Every string the action holds: what it stands for, its field, its value.
    pub fn strings(&self) -> Vec<(Slot, &'static str, String)> {
        let mut out = Vec::new();
        let _ = self.clone().try_map(|slot, field, value| {
            out.push((slot, field, value.clone()));
            Ok::<_, std::convert::Infallible>(value)
        });
        out
    }
}

/// The action in the admin console's words, with the page it is on (`Assignments › Assign
/// to People: alice@example.com, Role Account Reviewer`): what a report shows a reader, who
/// knows Okta's console rather than this crate's command line.
impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let role = |r: &Option<String>| {
            r.as_ref()
                .map(|r| format!(", Role {r}"))
                .unwrap_or_default()
        };
        match self {
            Action::TestApiCredentials => {
                f.write_str("Provisioning › Integration › Test API Credentials")
            }
            Action::SaveSettings => f.write_str("Provisioning › Integration › Save"),
            Action::Settings(s) => write!(f, "Provisioning › settings: {s}"),
            Action::AssignUser { user, role: r } => {
                write!(f, "Assignments › Assign to People: {user}{}", role(r))
            }
            Action::AssignUsers { users, role: r } => {
                let who = match users.as_slice() {
                    [] => String::new(),
                    [one] => one.clone(),
                    [first, second] => format!("{first} and {second}"),
                    [first, .., last] => format!("{} people, {first} to {last}", users.len()),
                };
                write!(f, "Assignments › Assign to People: {who}{}", role(r))
            }
            Action::AssignGroup { group, role: r } => {
                write!(f, "Assignments › Assign to Groups: {group}{}", role(r))
            }
            Action::AddGroupMember { group, user } => {
                write!(f, "Directory › Groups › {group}: add {user}")
            }
            Action::RemoveGroupMember { group, user } => {
                write!(f, "Directory › Groups › {group}: remove {user}")
            }
            Action::UpdateUser {
                user,
                first_name,
                last_name,
                email,
                new_login,
            } => {
                let changes: Vec<String> = [
                    ("first name", first_name),
                    ("last name", last_name),
                    ("email", email),
                    ("username", new_login),
                ]
                .into_iter()
                .filter_map(|(what, v)| v.as_ref().map(|v| format!("{what} {v}")))
                .collect();
                write!(
                    f,
                    "Directory › People › {user} › Profile: {}",
                    changes.join(", ")
                )
            }
            Action::SetRole { user, role } => {
                write!(f, "Assignments › {user}: Role {role}")
            }
            Action::UnassignUser { user } => write!(f, "Assignments › {user}: Unassign"),
            Action::DeactivateUser { user } => write!(f, "Directory › People › {user}: Deactivate"),
            Action::ReactivateUser { user } => write!(f, "Directory › People › {user}: Activate"),
            Action::SuspendUser { user } => write!(f, "Directory › People › {user}: Suspend"),
            Action::UnsuspendUser { user } => {
                write!(f, "Directory › People › {user}: Unsuspend")
            }
            Action::ProvisionUser { user } => {
                write!(f, "Assignments › {user}: Provision User")
            }
            Action::ImportNow => f.write_str("Import › Import Now"),
            Action::ConfirmAssignments { users } => {
                write!(f, "Import › Confirm Assignments: {}", users.join(", "))
            }
            Action::PushGroup { group } => write!(f, "Push Groups › Push Groups by name: {group}"),
            Action::PushNow { group } => write!(f, "Push Groups › {group}: Push Now"),
            Action::RenameGroup { group, name } => {
                write!(f, "Directory › Groups › {group}: rename to {name}")
            }
            Action::UnlinkGroup { group, delete } => write!(
                f,
                "Push Groups › {group}: Unlink pushed group, {} the group in the app",
                if *delete { "delete" } else { "leave" }
            ),
            Action::RetryTask { id } => write!(f, "Dashboard › Tasks › task {id}: Retry"),
        }
    }
}

/// The switches a `settings` action changes, in the console's words (`Create Users on,
/// Group Patch Batch Size 200`).
impl fmt::Display for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let on = |b: &Option<bool>| b.map(|b| if b { "on" } else { "off" }.to_owned());
        let parts: Vec<String> = [
            ("Enable API integration", on(&self.provisioning)),
            ("Create Users", on(&self.create_users)),
            ("Update User Attributes", on(&self.update_user_attributes)),
            ("Deactivate Users", on(&self.deactivate_users)),
            ("Import Groups", on(&self.import_groups)),
            (
                "Group Patch Batch Size",
                self.group_patch_batch_size.map(|n| n.to_string()),
            ),
            (
                "teams from group assignments",
                on(&self.teams_from_group_assignments),
            ),
            (
                "provisioning concurrency",
                self.provisioning_concurrency.map(|n| n.to_string()),
            ),
        ]
        .into_iter()
        .filter_map(|(what, v)| v.map(|v| format!("{what} {v}")))
        .collect();
        if parts.is_empty() {
            f.write_str("nothing changed")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

impl MockOkta {
    /// Performs an admin action: the one entry point the command line and the scenario
    /// runner share. `Err` means the action cannot run at all in this org (an unknown user,
    /// a suspended user assigned...); a provisioning failure is an `Ok` report whose outcome
    /// says so.
    pub async fn perform(&mut self, action: Action) -> Result<ActionReport, ActionError> {
        let name = action.name();
        let mut report = self.run(action).await?;
        name.clone_into(&mut report.action);
        Ok(report)
    }

    async fn run(&mut self, action: Action) -> Result<ActionReport, ActionError> {
        let role = |r: Option<String>| -> BTreeMap<String, String> {
            r.map(|r| BTreeMap::from([("role".to_owned(), r)]))
                .unwrap_or_default()
        };
        match action {
            Action::TestApiCredentials => Ok(self.test_api_credentials().await),
            Action::SaveSettings => Ok(self.save_settings().await),
            Action::Settings(s) => Ok(self.change_settings(&s)),
            Action::AssignUser { user, role: r } => self.assign_user(&user, role(r)).await,
            Action::AssignUsers { users, role: r } => self.assign_users(&users, role(r)).await,
            Action::AssignGroup { group, role: r } => self.assign_group(&group, role(r)).await,
            Action::AddGroupMember { group, user } => self.add_group_member(&group, &user).await,
            Action::RemoveGroupMember { group, user } => {
                self.remove_group_member(&group, &user).await
            }
            Action::UpdateUser {
                user,
                first_name,
                last_name,
                email,
                new_login,
            } => {
                let change = ProfileChange {
                    first_name,
                    last_name,
                    email,
                    login: new_login,
                };
                self.update_user(&user, change).await
            }
            Action::SetRole { user, role: r } => {
                self.set_app_attributes(&user, role(Some(r))).await
            }
            Action::UnassignUser { user } => self.unassign_user(&user).await,
            Action::DeactivateUser { user } => self.deactivate_user(&user).await,
            Action::ReactivateUser { user } => self.reactivate_user(&user).await,
            Action::SuspendUser { user } => self.suspend_user(&user),
            Action::UnsuspendUser { user } => self.unsuspend_user(&user),
            Action::ProvisionUser { user } => self.provision_user(&user).await,
            Action::ImportNow => Ok(self.import_now().await),
            Action::ConfirmAssignments { users } => self.confirm_assignments(&users),
            Action::PushGroup { group } => self.push_group(&group).await,
            Action::PushNow { group } => self.push_now(&group).await,
            Action::RenameGroup { group, name } => self.rename_group(&group, &name).await,
            Action::UnlinkGroup { group, delete } => self.unlink_group(&group, delete).await,
            Action::RetryTask { id } => self.retry_task(id).await,
        }
    }

    /// Changes the app's switches; Okta sends nothing for that.
    pub fn change_settings(&mut self, settings: &Settings) -> ActionReport {
        self.begin();
        settings.apply(&mut self.org.app);
        let app = &self.org.app;
        let on = |b: bool| if b { "on" } else { "off" };
        let event = format!(
            "settings: provisioning {}, create users {}, update user attributes {}, deactivate users {}, import groups {}, group patch batch size {}, teams from group assignments {}, provisioning concurrency {}; {} mode, {} headers",
            on(app.api.enabled),
            on(app.to_app.create_users),
            on(app.to_app.update_user_attributes),
            on(app.to_app.deactivate_users),
            on(app.import_groups),
            app.group_patch_batch_size,
            on(app.teams_from_group_assignments),
            app.provisioning_concurrency,
            app.mode,
            app.headers,
        );
        self.org.event(event);
        self.finish(
            "settings",
            Outcome::NothingSent {
                reason: "settings changed".into(),
            },
        )
    }
}
