//! An Okta action of a step: its fixture keys become logins and group names, its text's
//! variables their values, and mock-okta performs it.

use mock_okta::{Action, ActionError, ActionReport, Slot};

use super::scenario_run::Run;
use crate::scenario::vars::Undefined;

impl Run<'_> {
    /// Performs an Okta action after resolving its fixture keys to Okta users and group names,
    /// and its text's variables, and says what it did in the console's words (for the
    /// report). The outer `Err` is a variable nobody set; the inner one an action the org
    /// cannot do.
    pub(super) async fn okta_action(
        &mut self,
        action: Action,
    ) -> Result<(String, Result<ActionReport, ActionError>), Undefined> {
        let resolve = |login: bool, slot, value: String| match slot {
            Slot::User if login => Ok(self.okta_login(&value)),
            Slot::User => Ok(self.okta_user(&value)),
            Slot::Group => Ok(self.group(&value)),
            Slot::GroupName => Ok(format!("{} {}", self.prefix(), self.text(&value)?)),
            Slot::Text => self.text(&value),
        };
        // Users by login for the reader; by Okta id for mock-okta.
        let words = format!(
            "Okta: {}",
            action
                .clone()
                .try_map(|slot, _, v| resolve(true, slot, v))?
        );
        let resolved = action
            .clone()
            .try_map(|slot, _, v| resolve(false, slot, v))?;
        let report = self.okta.perform(resolved.clone()).await;
        // `${groups.KEY.name}` follows a rename (groups are found by it).
        if let (Action::RenameGroup { group, .. }, Action::RenameGroup { name, .. }) =
            (action, resolved)
        {
            self.vars.set(format!("groups.{group}.name"), name);
        }
        Ok((words, report))
    }
}
