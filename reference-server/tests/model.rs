//! A state-machine property test: random sequences of the operations Okta sends (create,
//! update, deactivate, reactivate, delete users; create, change, rename, delete teams) are run
//! against the server and against a small model, and after every step the server must agree
//! with the model and keep its invariants: unique userNames, soft-deleted users still
//! readable, team members are existing users, ids stable.

mod common;

use std::collections::BTreeSet;

use axum::http::StatusCode;
use common::{Server, group_body, okta_user};
use proptest::prelude::*;
use serde_json::{Value, json};

const NAMES: [&str; 5] = [
    "alice@x.test",
    "ALICE@x.test",
    "bob@x.test",
    "carol@x.test",
    "Dave@x.test",
];
const TEAMS: [&str; 4] = ["Sales", "sales", "Ops", "Eng"];
const ROLES: [Option<(&str, &str)>; 4] = [
    None,
    Some(("Account Analyst", "Account Analyst")),
    Some(("Account Billing", "Account Billing")),
    Some(("Destination Creator", "Destination Creator")),
];

#[derive(Clone, Debug)]
enum Op {
    CreateUser { name: usize, role: usize },
    SetGiven { user: usize, given: String },
    SetRole { user: usize, role: usize },
    Deactivate { user: usize },
    Reactivate { user: usize },
    DeleteUser { user: usize },
    CreateTeam { name: usize, members: Vec<usize> },
    AddMember { team: usize, user: usize },
    RemoveMember { team: usize, user: usize },
    RenameTeam { team: usize, name: usize },
    DeleteTeam { team: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..NAMES.len(), 0..ROLES.len()).prop_map(|(name, role)| Op::CreateUser { name, role }),
        1 => (any::<usize>(), "[A-Z][a-z]{1,5}").prop_map(|(user, given)| Op::SetGiven { user, given }),
        1 => (any::<usize>(), 1..ROLES.len()).prop_map(|(user, role)| Op::SetRole { user, role }),
        2 => any::<usize>().prop_map(|user| Op::Deactivate { user }),
        1 => any::<usize>().prop_map(|user| Op::Reactivate { user }),
        1 => any::<usize>().prop_map(|user| Op::DeleteUser { user }),
        2 => (0..TEAMS.len(), prop::collection::vec(any::<usize>(), 0..3)).prop_map(|(name, members)| Op::CreateTeam { name, members }),
        2 => (any::<usize>(), any::<usize>()).prop_map(|(team, user)| Op::AddMember { team, user }),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(team, user)| Op::RemoveMember { team, user }),
        1 => (any::<usize>(), 0..TEAMS.len()).prop_map(|(team, name)| Op::RenameTeam { team, name }),
        1 => any::<usize>().prop_map(|team| Op::DeleteTeam { team }),
    ]
}

#[derive(Clone, Debug)]
struct MUser {
    id: String,
    user_name: String,
    given: String,
    active: bool,
    role: Option<String>,
}

#[derive(Clone, Debug)]
struct MTeam {
    id: String,
    name: String,
    members: Vec<String>,
}

#[derive(Default, Debug)]
struct Model {
    users: Vec<MUser>,
    teams: Vec<MTeam>,
    /// Deleted resources: the collection (`Users`, `Groups`) and the id.
    deleted: Vec<(&'static str, String)>,
}

fn pick<T>(items: &[T], i: usize) -> Option<&T> {
    (!items.is_empty()).then(|| &items[i % items.len()])
}

fn same_name(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

async fn step(s: &Server, m: &mut Model, op: &Op) -> Result<(), TestCaseError> {
    match op {
        Op::CreateUser { name, role } => {
            let email = NAMES[*name];
            let r = s
                .post(
                    "/Users",
                    okta_user(email, "Test", "User", ROLES[*role].map(|r| r.0)),
                )
                .await;
            if m.users.iter().any(|u| same_name(&u.user_name, email)) {
                prop_assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
            } else {
                prop_assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
                m.users.push(MUser {
                    id: r.body["id"].as_str().unwrap().to_owned(),
                    user_name: email.to_owned(),
                    given: "Test".into(),
                    active: true,
                    role: ROLES[*role].map(|r| r.1.to_owned()),
                });
            }
        }
        Op::SetGiven { user, given } => {
            let Some(u) = pick(&m.users, *user).cloned() else {
                return Ok(());
            };
            let mut body = s.get(&format!("/Users/{}", u.id)).await.body;
            body["name"]["givenName"] = json!(given);
            let r = s.put(&format!("/Users/{}", u.id), body).await;
            prop_assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            m.users.iter_mut().find(|x| x.id == u.id).unwrap().given = given.clone();
        }
        Op::SetRole { user, role } => {
            let Some(u) = pick(&m.users, *user).cloned() else {
                return Ok(());
            };
            let (sent, canonical) = ROLES[*role].unwrap();
            let mut body = s.get(&format!("/Users/{}", u.id)).await.body;
            body["roles"] = json!([{"primary": true, "value": sent}]);
            let r = s.put(&format!("/Users/{}", u.id), body).await;
            prop_assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            m.users.iter_mut().find(|x| x.id == u.id).unwrap().role = Some(canonical.to_owned());
        }
        Op::Deactivate { user } | Op::Reactivate { user } => {
            let Some(u) = pick(&m.users, *user).cloned() else {
                return Ok(());
            };
            let active = matches!(op, Op::Reactivate { .. });
            let r = s
                .patch(
                    &format!("/Users/{}", u.id),
                    json!([{"op": "replace", "value": {"active": active}}]),
                )
                .await;
            prop_assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            prop_assert_eq!(&r.body["id"], &json!(u.id), "reactivation keeps the id");
            m.users.iter_mut().find(|x| x.id == u.id).unwrap().active = active;
        }
        Op::DeleteUser { user } => {
            let Some(u) = pick(&m.users, *user).cloned() else {
                return Ok(());
            };
            let r = s.delete(&format!("/Users/{}", u.id)).await;
            prop_assert_eq!(r.status, StatusCode::NO_CONTENT);
            m.users.retain(|x| x.id != u.id);
            for t in &mut m.teams {
                t.members.retain(|x| *x != u.id);
            }
            m.deleted.push(("Users", u.id));
        }
        Op::CreateTeam { name, members } => {
            let ids: Vec<String> = members
                .iter()
                .filter_map(|i| pick(&m.users, *i))
                .map(|u| u.id.clone())
                .collect();
            let mut unique: Vec<String> = Vec::new();
            for id in ids {
                if !unique.contains(&id) {
                    unique.push(id);
                }
            }
            let members: Vec<&str> = unique.iter().map(String::as_str).collect();
            let body = group_body(TEAMS[*name], common::member_values(&members));
            let r = s.post("/Groups", body).await;
            if m.teams.iter().any(|t| same_name(&t.name, TEAMS[*name])) {
                prop_assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
            } else {
                prop_assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
                m.teams.push(MTeam {
                    id: r.body["id"].as_str().unwrap().to_owned(),
                    name: TEAMS[*name].into(),
                    members: unique,
                });
            }
        }
        Op::AddMember { team, user } => {
            let (Some(t), Some(u)) = (
                pick(&m.teams, *team).cloned(),
                pick(&m.users, *user).cloned(),
            ) else {
                return Ok(());
            };
            let r = s
                .patch(&format!("/Groups/{}", t.id), json!([{"op": "add", "path": "members", "value": [{"value": u.id, "display": u.user_name}]}]))
                .await;
            prop_assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            let mt = m.teams.iter_mut().find(|x| x.id == t.id).unwrap();
            if !mt.members.contains(&u.id) {
                mt.members.push(u.id);
            }
        }
        Op::RemoveMember { team, user } => {
            let (Some(t), Some(u)) = (
                pick(&m.teams, *team).cloned(),
                pick(&m.users, *user).cloned(),
            ) else {
                return Ok(());
            };
            let r = s
                .patch(
                    &format!("/Groups/{}", t.id),
                    json!([{"op": "remove", "path": format!("members[value eq \"{}\"]", u.id)}]),
                )
                .await;
            prop_assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            m.teams
                .iter_mut()
                .find(|x| x.id == t.id)
                .unwrap()
                .members
                .retain(|x| *x != u.id);
        }
        Op::RenameTeam { team, name } => {
            let Some(t) = pick(&m.teams, *team).cloned() else {
                return Ok(());
            };
            let r = s
                .patch(
                    &format!("/Groups/{}", t.id),
                    json!([{"op": "replace", "value": {"id": t.id, "displayName": TEAMS[*name]}}]),
                )
                .await;
            if m.teams
                .iter()
                .any(|x| x.id != t.id && same_name(&x.name, TEAMS[*name]))
            {
                prop_assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
            } else {
                prop_assert_eq!(r.status, StatusCode::OK, "{}", r.body);
                m.teams.iter_mut().find(|x| x.id == t.id).unwrap().name = TEAMS[*name].into();
            }
        }
        Op::DeleteTeam { team } => {
            let Some(t) = pick(&m.teams, *team).cloned() else {
                return Ok(());
            };
            let r = s.delete(&format!("/Groups/{}", t.id)).await;
            prop_assert_eq!(r.status, StatusCode::NO_CONTENT);
            m.teams.retain(|x| x.id != t.id);
            m.deleted.push(("Groups", t.id));
        }
    }
    Ok(())
}

async fn check(s: &Server, m: &Model) -> Result<(), TestCaseError> {
    let list = s.get("/Users?count=1000").await.body;
    prop_assert_eq!(&list["totalResults"], &json!(m.users.len()));
    let names: Vec<String> = list["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["userName"].as_str().unwrap().to_lowercase())
        .collect();
    let unique: BTreeSet<&String> = names.iter().collect();
    prop_assert_eq!(
        unique.len(),
        names.len(),
        "userNames are unique ignoring case: {:?}",
        names
    );

    for u in &m.users {
        let r = s.get(&format!("/Users/{}", u.id)).await;
        prop_assert_eq!(
            r.status,
            StatusCode::OK,
            "a deactivated user stays readable: {}",
            r.body
        );
        let b = &r.body;
        prop_assert_eq!(&b["id"], &json!(u.id));
        prop_assert_eq!(&b["active"], &json!(u.active));
        prop_assert_eq!(&b["name"]["givenName"], &json!(u.given));
        let role = b["roles"]
            .as_array()
            .and_then(|r| r.first())
            .map(|r| r["value"].clone())
            .unwrap_or(Value::Null);
        prop_assert_eq!(role, u.role.clone().map_or(Value::Null, Value::from));
        let groups: BTreeSet<&str> = b["groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["value"].as_str().unwrap())
            .collect();
        let expected: BTreeSet<&str> = m
            .teams
            .iter()
            .filter(|t| t.members.contains(&u.id))
            .map(|t| t.id.as_str())
            .collect();
        prop_assert_eq!(groups, expected, "the user's groups");
    }
    for t in &m.teams {
        let r = s.get(&format!("/Groups/{}", t.id)).await;
        prop_assert_eq!(r.status, StatusCode::OK);
        prop_assert_eq!(&r.body["displayName"], &json!(t.name));
        let members: Vec<&str> = r.body["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["value"].as_str().unwrap())
            .collect();
        prop_assert_eq!(
            members,
            t.members.iter().map(String::as_str).collect::<Vec<_>>()
        );
    }
    prop_assert_eq!(s.total("/Groups").await, m.teams.len() as u64);
    for (kind, id) in &m.deleted {
        prop_assert_eq!(
            s.get(&format!("/{kind}/{id}")).await.status,
            StatusCode::NOT_FOUND,
            "deleted: {}/{}",
            kind,
            id
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn server_agrees_with_the_model(ops in prop::collection::vec(op(), 1..25)) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        rt.block_on(async {
            let s = Server::new();
            let mut m = Model::default();
            for op in &ops {
                step(&s, &mut m, op).await?;
                check(&s, &m).await?;
            }
            Ok::<(), TestCaseError>(())
        })?;
    }
}
