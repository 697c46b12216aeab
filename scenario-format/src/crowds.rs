//! Crowds: fixture users made by count. A crowd becomes plain fixture users as the file
//! loads, and every place that names it (a group's `crowds`, an `assign_users` step) gets
//! its users, so that the validator, the runner and the reports see only fixture users.

use indexmap::IndexMap;
use mock_okta::Action;

use crate::model::{FixtureUser, Scenario};
use crate::validate::{Problem, Target, key, step};
use crate::yaml::Seg;

/// The most users a crowd may hold.
pub(crate) const MAX_CROWD: u32 = 10_000;

/// Turns the scenario's crowds into fixture users, and their names into those users.
/// Returns the problems that stop that: a count out of range, a made key that is a fixture
/// user already, a crowd name that names no crowd.
pub(crate) fn expand(s: &mut Scenario) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut members: IndexMap<String, Vec<String>> = IndexMap::new();
    for (name, crowd) in &s.fixtures.crowds {
        let at = vec![key("fixtures"), key("crowds"), key(name)];
        if !(1..=MAX_CROWD).contains(&crowd.count) {
            problems.push(Problem {
                path: [at.clone(), vec![key("count")]].concat(),
                target: Target::Node,
                message: format!(
                    "crowd `{name}` has {} users; a crowd holds 1 to {MAX_CROWD}",
                    crowd.count
                ),
                help: None,
            });
            continue;
        }
        let width = crowd.count.to_string().len().max(3);
        let keys: Vec<String> = (1..=crowd.count)
            .map(|n| format!("{name}{n:0width$}"))
            .collect();
        if let Some(taken) = keys
            .iter()
            .find(|k| s.fixtures.users.contains_key(k.as_str()))
        {
            problems.push(Problem {
                path: at,
                target: Target::Key,
                message: format!(
                    "crowd `{name}` would make user `{taken}`, which is a fixture user already"
                ),
                help: Some("give the crowd another name".into()),
            });
            continue;
        }
        for k in &keys {
            s.fixtures.users.insert(
                k.clone(),
                FixtureUser {
                    first_name: crowd.first_name.clone(),
                    last_name: k.clone(),
                },
            );
        }
        members.insert(name.clone(), keys);
    }
    if !problems.is_empty() {
        return problems;
    }
    for (group, g) in &mut s.fixtures.groups {
        for (i, crowd) in g.crowds.iter().enumerate() {
            match members.get(crowd) {
                Some(keys) => g.members.extend(keys.iter().cloned()),
                None => problems.push(Problem {
                    path: vec![
                        key("fixtures"),
                        key("groups"),
                        key(group),
                        key("crowds"),
                        Seg::Index(i),
                    ],
                    target: Target::Node,
                    message: format!("group `{group}` names crowd `{crowd}`, which is no crowd"),
                    help: crate::diagnostic::did_you_mean(
                        crowd,
                        members.keys().map(String::as_str),
                    ),
                }),
            }
        }
    }
    for (i, st) in s.steps.iter_mut().enumerate() {
        if let Some(Action::AssignUsers { users, .. }) = &mut st.okta {
            // A name that is no crowd stays, for the validator to judge as a fixture user.
            *users = std::mem::take(users)
                .into_iter()
                .flat_map(|u| members.get(&u).cloned().unwrap_or_else(|| vec![u]))
                .collect();
            if users.is_empty() {
                problems.push(Problem {
                    path: step(i, &["okta"]),
                    target: Target::Node,
                    message: "`assign_users` needs at least one user".into(),
                    help: None,
                });
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use crate::load_str;
    use crate::{RuleIds, RuleKind};

    struct Rules;
    impl RuleIds for Rules {
        fn kind(&self, _: &str) -> Option<RuleKind> {
            Some(RuleKind::Flow)
        }
        fn ids(&self) -> Vec<&str> {
            Vec::new()
        }
    }

    const HEAD: &str = "version: 1\nid: c\ntitle: crowds\n";

    #[test]
    fn a_crowd_is_fixture_users_its_group_and_step_name() {
        let text = format!(
            "{HEAD}fixtures:\n  crowds:\n    m: {{count: 12, first_name: Member}}\n  users:\n    a: {{first_name: A, last_name: B}}\n  groups:\n    g: {{members: [a], crowds: [m]}}\nsteps:\n  - name: assign\n    okta: {{assign_users: {{users: [a, m]}}}}\n"
        );
        let s = load_str("c.yaml", &text, &Rules).unwrap();
        assert_eq!(s.fixtures.users.len(), 13);
        assert_eq!(s.fixtures.users["m001"].last_name, "m001");
        assert_eq!(s.fixtures.users["m012"].first_name, "Member");
        let g = &s.fixtures.groups["g"];
        assert_eq!(g.members.len(), 13);
        assert_eq!(g.members[0], "a");
        assert_eq!(g.members[12], "m012");
        let Some(mock_okta::Action::AssignUsers { users, .. }) = &s.steps[0].okta else {
            panic!("not assign_users: {:?}", s.steps[0].okta);
        };
        assert_eq!(users.len(), 13);
    }

    #[test]
    fn bad_crowds_are_located_problems() {
        let cases = [
            (
                "crowds:\n    m: {count: 0, first_name: M}\n",
                "a crowd holds 1 to 10000",
            ),
            (
                "crowds:\n    m: {count: 2, first_name: M}\n  users:\n    m001: {first_name: A, last_name: B}\n",
                "would make user `m001`",
            ),
            (
                "crowds:\n    m: {count: 2, first_name: M}\n  groups:\n    g: {crowds: [n]}\n",
                "names crowd `n`, which is no crowd",
            ),
        ];
        for (fixtures, expected) in cases {
            let text = format!(
                "{HEAD}fixtures:\n  {fixtures}steps:\n  - name: list\n    scim: {{method: GET, path: /Users}}\n"
            );
            let err = load_str("c.yaml", &text, &Rules).unwrap_err();
            let all: String = err.iter().map(ToString::to_string).collect();
            assert!(all.contains(expected), "{expected:?} not in {all}");
        }
    }
}
