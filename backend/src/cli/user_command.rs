//! `plugboard user ...`: adding, changing, listing and removing built-in users from the shell,
//! on the database the server uses. Passwords come from standard input, never from arguments
//! (which other users of the machine could see in the process list).

use std::io::BufRead;

use anyhow::Context;
use api_types::Grant;

use super::UserAction;
use crate::access::{passwords, users};
use crate::config::Settings;

pub async fn run(settings: &Settings, action: UserAction) -> anyhow::Result<()> {
    let db = crate::db::open(&settings.database).await?;
    match action {
        UserAction::Add { name, roles } => {
            let hash = passwords::hash(read_password()?).await?;
            let user = users::create(&db, &name, &parse_roles(&roles)?, &hash).await?;
            println!("added {}", describe(&user.name, &user.grants));
        }
        UserAction::Passwd { name } => {
            let grants = existing(&db, &name).await?.grants;
            let hash = passwords::hash(read_password()?).await?;
            users::update(&db, &name, &grants, Some(&hash)).await?;
            println!("password of {name} changed; its sessions ended");
        }
        UserAction::Roles { name, roles } => {
            let user = users::update(&db, &name, &parse_roles(&roles)?, None).await?;
            println!("{}", describe(&user.name, &user.grants));
        }
        UserAction::List => {
            for user in users::list(&db).await? {
                println!("{}", describe(&user.name, &user.grants));
            }
        }
        UserAction::Remove { name } => {
            users::delete(&db, &name).await?;
            println!("removed {name}");
        }
    }
    Ok(())
}

async fn existing(db: &crate::db::Db, name: &str) -> anyhow::Result<api_types::User> {
    users::get(db, name)
        .await?
        .with_context(|| format!("no user `{name}`"))
}

/// `--role` values: `editor` (every cluster) or `editor@dev,staging` (those clusters).
pub fn parse_roles(specs: &[String]) -> anyhow::Result<Vec<Grant>> {
    specs
        .iter()
        .map(|spec| Grant::parse(spec).map_err(anyhow::Error::msg))
        .collect()
}

fn describe(name: &str, grants: &[Grant]) -> String {
    let roles: Vec<String> = grants.iter().map(Grant::describe).collect();
    format!("{name}: {}", roles.join(" "))
}

fn read_password() -> anyhow::Result<String> {
    eprintln!("password (one line on standard input):");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use api_types::Role;

    #[test]
    fn roles_parse_with_and_without_clusters_and_unknown_ones_are_refused() {
        let grants = parse_roles(&["viewer".into(), "editor@dev,staging".into()]).unwrap();
        assert_eq!(
            grants[0],
            Grant {
                role: Role::Viewer,
                clusters: vec![]
            }
        );
        assert_eq!(grants[1].role, Role::Editor);
        assert_eq!(grants[1].clusters, ["dev", "staging"]);
        let error = parse_roles(&["root".into()]).unwrap_err().to_string();
        assert!(error.contains("root"), "{error}");
    }
}
