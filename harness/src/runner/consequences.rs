//! A step's preconditions are not its assertions: when a step fails, the later steps of the
//! same scenario run that needed what it should have made (a captured id, the user it was to
//! assign) fail as its consequences. Their findings say so, and the root-cause summary
//! counts them apart, so a vendor reads one problem once.

use crate::report::{Status, StepRun};
use crate::scenario::Step;

/// What a step needs: the variables it uses, and the fixture users and groups it acts on.
fn needs(step: &Step) -> Vec<String> {
    let mut out: Vec<String> = step.variables().into_iter().collect();
    out.extend(step.subjects());
    out
}

/// What a step makes for later ones: the variables it captures, and the fixture users and
/// groups it acts on (`users.alice`: a later `${users.alice.id}` or action on Alice needs it).
fn makes(step: &Step) -> Vec<String> {
    let mut out: Vec<String> = step.capture.keys().cloned().collect();
    out.extend(step.subjects());
    out
}

/// Whether `need` is `made` or lies under it (`users.alice.id` under `users.alice`).
fn covers(made: &str, need: &str) -> bool {
    need == made
        || need
            .strip_prefix(made)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// Marks the findings of steps that needed what a failed earlier step should have made.
/// Exchange rules are never marked: a response breaks a protocol rule whatever came before.
pub(super) fn mark(defs: &[Step], runs: &mut [StepRun]) {
    // What failed steps should have made, and the step whose failure it goes back to.
    let mut missing: Vec<(String, String)> = Vec::new();
    for (def, run) in defs.iter().zip(runs.iter_mut()) {
        let cause = needs(def).iter().find_map(|need| {
            missing
                .iter()
                .find(|(made, _)| covers(made, need))
                .map(|(_, cause)| cause.clone())
        });
        if let Some(cause) = &cause {
            for f in run
                .findings
                .iter_mut()
                .filter(|f| !f.rule.is_some_and(|r| r.rule().kind.is_exchange()))
            {
                f.consequence_of = Some(cause.clone());
            }
        }
        let failed = run.status == Status::Skipped
            || run
                .findings
                .iter()
                .any(|f| f.is_failure() && !f.rule.is_some_and(|r| r.rule().kind.is_exchange()));
        if failed {
            let cause = cause.unwrap_or_else(|| def.name.clone());
            missing.extend(makes(def).into_iter().map(|m| (m, cause.clone())));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::covers;

    #[test]
    fn a_need_lies_under_what_made_it() {
        assert!(covers("users.alice", "users.alice.id"));
        assert!(covers("team", "team"));
        assert!(!covers("users.al", "users.alice.id"));
        assert!(!covers("team", "teams"));
    }
}
