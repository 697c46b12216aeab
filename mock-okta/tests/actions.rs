//! One action vocabulary: every [`Action`] is reachable from the command line (a subcommand)
//! and from YAML (a scenario's `okta:` step) and means the same thing in both, and
//! [`MockOkta::perform`] runs each one.

use clap::Parser;
use mock_okta::cli::{Cli, Command};
use mock_okta::{Action, Settings, Slot};

/// One of each action, with every field set, written three ways: the value, the command
/// line, the YAML of a scenario step.
fn samples() -> Vec<(Action, Vec<&'static str>, &'static str)> {
    vec![
        (
            Action::TestApiCredentials,
            vec!["test-api-credentials"],
            "test_api_credentials",
        ),
        (Action::SaveSettings, vec!["save-settings"], "save_settings"),
        (
            Action::Settings(Settings {
                provisioning: Some(true),
                create_users: Some(false),
                update_user_attributes: Some(true),
                deactivate_users: Some(false),
                import_groups: Some(true),
                group_patch_batch_size: Some(250),
                teams_from_group_assignments: Some(false),
                provisioning_concurrency: Some(4),
            }),
            vec![
                "settings",
                "--provisioning",
                "true",
                "--create-users",
                "false",
                "--update-attributes",
                "true",
                "--deactivate-users",
                "false",
                "--import-groups",
                "true",
                "--group-patch-batch-size",
                "250",
                "--teams-from-group-assignments",
                "false",
                "--provisioning-concurrency",
                "4",
            ],
            "settings: {provisioning: true, create_users: false, update_user_attributes: true, deactivate_users: false, import_groups: true, group_patch_batch_size: 250, teams_from_group_assignments: false, provisioning_concurrency: 4}",
        ),
        (
            Action::AssignUser {
                user: "a@x.test".into(),
                role: Some("Account Analyst".into()),
            },
            vec!["assign-user", "a@x.test", "--role", "Account Analyst"],
            "assign_user: {user: a@x.test, role: Account Analyst}",
        ),
        (
            Action::AssignUsers {
                users: vec!["a@x.test".into(), "b@x.test".into()],
                role: Some("Account Analyst".into()),
            },
            vec![
                "assign-users",
                "a@x.test",
                "b@x.test",
                "--role",
                "Account Analyst",
            ],
            "assign_users: {users: [a@x.test, b@x.test], role: Account Analyst}",
        ),
        (
            Action::AssignGroup {
                group: "Eng".into(),
                role: Some("Account Reviewer".into()),
            },
            vec!["assign-group", "Eng", "--role", "Account Reviewer"],
            "assign_group: {group: Eng, role: Account Reviewer}",
        ),
        (
            Action::AddGroupMember {
                group: "Eng".into(),
                user: "a@x.test".into(),
            },
            vec!["add-group-member", "Eng", "a@x.test"],
            "add_group_member: {group: Eng, user: a@x.test}",
        ),
        (
            Action::RemoveGroupMember {
                group: "Eng".into(),
                user: "a@x.test".into(),
            },
            vec!["remove-group-member", "Eng", "a@x.test"],
            "remove_group_member: {group: Eng, user: a@x.test}",
        ),
        (
            Action::UpdateUser {
                user: "a@x.test".into(),
                first_name: Some("Ann".into()),
                last_name: Some("Lee".into()),
                email: Some("ann@x.test".into()),
                new_login: Some("ann@x.test".into()),
            },
            vec![
                "update-user",
                "a@x.test",
                "--first",
                "Ann",
                "--last",
                "Lee",
                "--email",
                "ann@x.test",
                "--new-login",
                "ann@x.test",
            ],
            "update_user: {user: a@x.test, first_name: Ann, last_name: Lee, email: ann@x.test, new_login: ann@x.test}",
        ),
        (
            Action::SetRole {
                user: "a@x.test".into(),
                role: "Account Billing".into(),
            },
            vec!["set-role", "a@x.test", "Account Billing"],
            "set_role: {user: a@x.test, role: Account Billing}",
        ),
        (
            Action::UnassignUser {
                user: "a@x.test".into(),
            },
            vec!["unassign-user", "a@x.test"],
            "unassign_user: {user: a@x.test}",
        ),
        (
            Action::DeactivateUser {
                user: "a@x.test".into(),
            },
            vec!["deactivate-user", "a@x.test"],
            "deactivate_user: {user: a@x.test}",
        ),
        (
            Action::ReactivateUser {
                user: "a@x.test".into(),
            },
            vec!["reactivate-user", "a@x.test"],
            "reactivate_user: {user: a@x.test}",
        ),
        (
            Action::SuspendUser {
                user: "a@x.test".into(),
            },
            vec!["suspend-user", "a@x.test"],
            "suspend_user: {user: a@x.test}",
        ),
        (
            Action::UnsuspendUser {
                user: "a@x.test".into(),
            },
            vec!["unsuspend-user", "a@x.test"],
            "unsuspend_user: {user: a@x.test}",
        ),
        (
            Action::ProvisionUser {
                user: "a@x.test".into(),
            },
            vec!["provision-user", "a@x.test"],
            "provision_user: {user: a@x.test}",
        ),
        (Action::ImportNow, vec!["import-now"], "import_now"),
        (
            Action::ConfirmAssignments {
                users: vec!["a@x.test".into(), "b@x.test".into()],
            },
            vec!["confirm-assignments", "a@x.test", "b@x.test"],
            "confirm_assignments: {users: [a@x.test, b@x.test]}",
        ),
        (
            Action::PushGroup {
                group: "Eng".into(),
            },
            vec!["push-group", "Eng"],
            "push_group: {group: Eng}",
        ),
        (
            Action::PushNow {
                group: "Eng".into(),
            },
            vec!["push-now", "Eng"],
            "push_now: {group: Eng}",
        ),
        (
            Action::RenameGroup {
                group: "Eng".into(),
                name: "Engineering".into(),
            },
            vec!["rename-group", "Eng", "Engineering"],
            "rename_group: {group: Eng, name: Engineering}",
        ),
        (
            Action::UnlinkGroup {
                group: "Eng".into(),
                delete: true,
            },
            vec!["unlink-group", "Eng", "--delete"],
            "unlink_group: {group: Eng, delete: true}",
        ),
        (
            Action::RetryTask { id: 3 },
            vec!["retry-task", "3"],
            "retry_task: {id: 3}",
        ),
    ]
}

/// Which variant an action is; a new variant fails to compile here until it has a sample.
fn variant(a: &Action) -> usize {
    match a {
        Action::TestApiCredentials => 0,
        Action::SaveSettings => 1,
        Action::Settings(_) => 2,
        Action::AssignUser { .. } => 3,
        Action::AssignGroup { .. } => 4,
        Action::AddGroupMember { .. } => 5,
        Action::RemoveGroupMember { .. } => 6,
        Action::UpdateUser { .. } => 7,
        Action::SetRole { .. } => 8,
        Action::UnassignUser { .. } => 9,
        Action::DeactivateUser { .. } => 10,
        Action::ReactivateUser { .. } => 11,
        Action::SuspendUser { .. } => 12,
        Action::UnsuspendUser { .. } => 13,
        Action::ProvisionUser { .. } => 14,
        Action::ImportNow => 15,
        Action::ConfirmAssignments { .. } => 16,
        Action::PushGroup { .. } => 17,
        Action::PushNow { .. } => 18,
        Action::RenameGroup { .. } => 19,
        Action::UnlinkGroup { .. } => 20,
        Action::RetryTask { .. } => 21,
        Action::AssignUsers { .. } => 22,
    }
}

#[test]
fn every_action_is_reachable_from_the_command_line_and_from_yaml() {
    let samples = samples();
    let mut seen: Vec<usize> = samples.iter().map(|(a, _, _)| variant(a)).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen, (0..=22).collect::<Vec<_>>(), "one sample per action");

    for (action, args, yaml) in samples {
        let mut argv = vec!["mock-okta", "--target", "http://127.0.0.1:9/scim/v2"];
        argv.extend(&args);
        let cli = Cli::try_parse_from(&argv).unwrap_or_else(|e| panic!("{argv:?}: {e}"));
        match cli.command {
            Command::Action(parsed) => assert_eq!(parsed, action, "{argv:?}"),
            other => panic!("{argv:?} parsed as {other:?}"),
        }
        assert_eq!(args[0], action.name(), "the command line names it");

        let parsed: Action = serde_saphyr::from_str(yaml).unwrap_or_else(|e| panic!("{yaml}: {e}"));
        assert_eq!(parsed, action, "{yaml}");
        // The YAML spelling is the snake_case of the command's.
        assert!(yaml.starts_with(&action.name().replace('-', "_")), "{yaml}");
        let back = serde_json::to_value(&action).unwrap();
        assert_eq!(serde_json::from_value::<Action>(back).unwrap(), action);
    }
}

#[test]
fn try_map_rewrites_every_string_by_what_it_stands_for() {
    let action = Action::UpdateUser {
        user: "alice".into(),
        first_name: Some("${first}".into()),
        last_name: None,
        email: None,
        new_login: Some("x".into()),
    };
    assert_eq!(
        action.strings(),
        [
            (Slot::User, "user", "alice".to_owned()),
            (Slot::Text, "first_name", "${first}".to_owned()),
            (Slot::Text, "new_login", "x".to_owned()),
        ]
    );
    let mapped = action
        .try_map(|slot, _, v| {
            Ok::<_, ()>(match slot {
                Slot::User => format!("{v}@x.test"),
                _ => v.to_uppercase(),
            })
        })
        .unwrap();
    assert_eq!(
        mapped,
        Action::UpdateUser {
            user: "alice@x.test".into(),
            first_name: Some("${FIRST}".into()),
            last_name: None,
            email: None,
            new_login: Some("X".into()),
        }
    );
    let renamed = Action::RenameGroup {
        group: "eng".into(),
        name: "Engineering".into(),
    };
    assert_eq!(
        renamed.strings(),
        [
            (Slot::Group, "group", "eng".to_owned()),
            (Slot::GroupName, "name", "Engineering".to_owned()),
        ]
    );
    let stopped = renamed.try_map(|_, _, v| if v == "eng" { Err(v) } else { Ok(v) });
    assert_eq!(stopped, Err("eng".to_owned()));
}

#[tokio::test]
async fn perform_runs_actions_that_send_nothing() {
    use mock_okta::{ClientMode, ClientOptions, MockOkta, NewUser, Org, OutcomeKind};

    let org = Org::fivetran("http://127.0.0.1:9/scim/v2", ClientMode::OinPatch);
    let mut okta = MockOkta::new(org, ClientOptions::new("t"));
    let report = okta
        .perform(Action::Settings(Settings {
            create_users: Some(false),
            import_groups: Some(true),
            ..Settings::default()
        }))
        .await
        .unwrap();
    assert_eq!(report.outcome.kind(), OutcomeKind::NothingSent);
    assert!(report.exchanges.is_empty());
    assert_eq!(
        report.events,
        [
            "settings: provisioning on, create users off, update user attributes on, deactivate users on, import groups on, group patch batch size 100, teams from group assignments on, provisioning concurrency 1; oin-patch mode, okta headers"
        ]
    );
    assert!(!okta.org().app.to_app.create_users && okta.org().app.import_groups);

    okta.create_user(NewUser {
        login: "a@x.test".into(),
        first_name: "A".into(),
        last_name: "B".into(),
        email: None,
    })
    .unwrap();
    for action in [
        Action::SuspendUser {
            user: "a@x.test".into(),
        },
        Action::UnsuspendUser {
            user: "a@x.test".into(),
        },
    ] {
        let report = okta.perform(action).await.unwrap();
        assert!(report.exchanges.is_empty(), "{report:?}");
    }
    assert!(matches!(
        okta.perform(Action::RetryTask { id: 7 }).await,
        Err(mock_okta::ActionError::UnknownTask(7))
    ));
}

/// A report names each action in the console's words, with every user, group and value it
/// carries (a long list of people by its count, first and last), and no two actions alike.
#[test]
fn every_action_reads_in_the_console_s_words() {
    let mut seen = std::collections::BTreeSet::new();
    for (action, _, _) in samples() {
        let words = action.to_string();
        assert!(words.contains(" › ") || words.contains(": "), "{words}");
        let strings = action.strings();
        let people = strings.iter().filter(|(_, f, _)| *f == "users").count();
        for (i, (_, field, value)) in strings.iter().enumerate() {
            let in_the_middle = *field == "users" && people > 2 && i > 0 && i + 1 < people;
            if !in_the_middle {
                assert!(words.contains(value.as_str()), "{words} lacks {value}");
            }
        }
        assert!(seen.insert(words.clone()), "{words} twice");
    }
    let many = Action::AssignUsers {
        users: (1..=1000).map(|i| format!("u{i:04}@example.com")).collect(),
        role: None,
    };
    assert_eq!(
        many.to_string(),
        "Assignments › Assign to People: 1000 people, u0001@example.com to u1000@example.com"
    );
}
