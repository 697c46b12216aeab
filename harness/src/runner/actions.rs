//! An Okta action of a step: its fixture keys become logins and group names, its text's
//! variables their values, and mock-okta performs it.

use mock_okta::{Action, ActionError, ActionReport, Slot};

use super::scenario_run::Run;
use crate::scenario::vars::Undefined;

impl Run<'_> {
    /// Performs an Okta action after resolving its fixture keys to logins and group names,
    /// and its text's variables. The outer `Err` is a variable nobody set; the inner one an
    /// action the org cannot do.
    pub(super) async fn okta_action(
        &mut self,
        action: Action,
    ) -> Result<Result<ActionReport, ActionError>, Undefined> {
        let renamed = match &action {
            Action::RenameGroup { group, .. } => Some(group.clone()),
            _ => None,
        };
        let resolved = action.try_map(|slot, _, value| match slot {
            Slot::User => Ok(self.login(&value)),
            Slot::Group => Ok(self.group(&value)),
            Slot::GroupName => Ok(format!("{} {}", self.prefix(), self.text(&value)?)),
            Slot::Text => self.text(&value),
        })?;
        let new_name = match &resolved {
            Action::RenameGroup { name, .. } => Some(name.clone()),
            _ => None,
        };
        let report = self.okta.perform(resolved).await;
        // `${groups.KEY.name}` follows a rename.
        if let (Some(key), Some(name)) = (renamed, new_name) {
            self.vars.set(format!("groups.{key}.name"), name);
        }
        Ok(report)
    }
}
