//! The operator's commands on the database: accounts (`user add`, `user
//! list`, `user disable`), API tokens (`token add`, `token revoke`) and an
//! import into the database (`import --database`). The binary parses the
//! command line and reads the password; everything else is here.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use crate::auth::secret::{Kind, Secret};
use crate::auth::{AuthError, password};
use crate::db::{self, Account, DbError, Store, TokenId};
use crate::gazetteer::Gazetteer;
use crate::import::{self, ImportError, ImportOptions};
use crate::workflow::{Actor, Role};

/// What went wrong in an operator's command.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// The store refused it or failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The password cannot be used.
    #[error("password: {0}")]
    Password(#[from] AuthError),
    /// The import's inputs could not be read or placed.
    #[error(transparent)]
    Import(#[from] ImportError),
}

/// Adds an account with `password` hashed (Argon2id).
pub async fn user_add(
    store: &Store,
    email: &str,
    role: Role,
    units: &[String],
    name: &str,
    password: &str,
) -> Result<Account, AdminError> {
    let hash = password::hash(password)?;
    Ok(store.add_account(email, name, role, units, &hash).await?)
}

/// The accounts as a table for a terminal: id, e-mail, name, role, units,
/// whether active.
pub fn accounts_table(accounts: &[Account]) -> String {
    let mut out = String::from("id\temail\tname\trole\tunits\tstatus\n");
    for a in accounts {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}",
            a.id,
            a.email,
            a.name,
            a.role.slug(),
            if a.units.is_empty() {
                "-".to_string()
            } else {
                a.units.join(",")
            },
            match &a.disabled_at {
                Some(at) => format!("disabled {at}"),
                None => "active".to_string(),
            }
        );
    }
    out
}

/// Makes an API token for the active account of `email`: its number and the
/// token itself, to be shown once (only its SHA-256 is stored).
pub async fn token_add(
    store: &Store,
    email: &str,
    label: &str,
) -> Result<(TokenId, Secret), AdminError> {
    let (account, _) = store.account_by_email(email).await?;
    if !account.is_active() {
        return Err(DbError::Invalid {
            field: "email".into(),
            why: format!("the account of {email} is disabled"),
        }
        .into());
    }
    let secret = Secret::generate(Kind::Token);
    let id = store
        .add_token(account.id, secret.hash().as_str(), label)
        .await?;
    Ok((id, secret))
}

/// What an import into the database did: the store's decisions and the
/// importer's own report (places, records to check).
pub struct DatabaseImport {
    /// New, published, pending, unchanged, kept.
    pub store: db::ImportReport,
    /// The importer's report (its `review` lists the records to check).
    pub importer: import::ImportReport,
}

/// Imports pages and CSV files into the database as the system: new
/// records submitted (published with `publish`, except those the importer
/// asks to check, which stay submitted with its reasons), changes of records
/// people edited as pending revisions.
pub async fn import_into(
    store: &Store,
    paths: Vec<PathBuf>,
    options: ImportOptions,
    publish: bool,
) -> Result<DatabaseImport, AdminError> {
    let (practices, importer) = tokio::task::spawn_blocking(move || {
        import::records::records(&paths, Gazetteer::bundled(), &options)
    })
    .await
    .map_err(|e| ImportError::Inputs(vec![(PathBuf::from("import"), e.to_string())]))??;
    let mut doubtful: HashMap<String, Vec<String>> = HashMap::new();
    for r in &importer.review {
        doubtful
            .entry(r.id.clone())
            .or_default()
            .push(r.reason.clone());
    }
    let report = store
        .import(&Actor::System, practices, publish, &doubtful)
        .await?;
    Ok(DatabaseImport {
        store: report,
        importer,
    })
}

impl std::fmt::Display for DatabaseImport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let r = &self.store;
        writeln!(
            f,
            "{} submitted for review, {} published, {} pending revisions, {} updated submissions, {} unchanged, {} kept (people's changes not overwritten)",
            r.submitted.len(),
            r.published.len(),
            r.pending.len(),
            r.updated.len(),
            r.unchanged.len(),
            r.kept.len()
        )?;
        for (label, ids) in [("pending revision", &r.pending), ("kept", &r.kept)] {
            for id in ids {
                writeln!(f, "  {label}: {id}")?;
            }
        }
        Ok(())
    }
}
