//! Users and API tokens: everyone signed in manages their own tokens (a new one is shown once);
//! admins see everyone's, and add users, change their roles and passwords, and remove them.

use api_types::{ApiToken, Grant, NewToken, PasswordChange, Role, User, UserChange};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::{ColumnHeads, readable_time};
use crate::session;
use crate::toasts::Toaster;

#[component]
pub(crate) fn AccessPage() -> impl IntoView {
    let admin = session::may(Role::Admin, None);
    view! {
        <div class="title-row"><h1>"Users and tokens"</h1></div>
        {session::signed_in_with_password().then(|| view! { <OwnPassword /> })}
        <Tokens admin />
        {admin.then(|| view! { <Users /> })}
    }
}

/// The signed-in user's own password; changing it ends every session, this one too.
#[component]
fn OwnPassword() -> impl IntoView {
    let toaster = expect_context::<Toaster>();
    let (current, new) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let change = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let change = PasswordChange {
            current: current.get_untracked(),
            new: new.get_untracked(),
        };
        spawn_local(async move {
            match api::change_password(change).await {
                Ok(()) => session::signed_out(),
                Err(message) => toaster.failure(format!("Password not changed: {message}")),
            }
        });
    };
    view! {
        <section class="card">
            <h2>"Your password"</h2>
            <form class="inline-form" on:submit=change>
                <input type="password" placeholder="Current password" autocomplete="current-password" required bind:value=current />
                <input type="password" placeholder="New password (8 or more characters)" autocomplete="new-password" required bind:value=new />
                <button type="submit">"Change, and sign in again"</button>
            </form>
        </section>
    }
}

fn grants_text(grants: &[Grant]) -> String {
    grants
        .iter()
        .map(Grant::describe)
        .collect::<Vec<_>>()
        .join(" ")
}

#[component]
fn Tokens(admin: bool) -> impl IntoView {
    let toaster = expect_context::<Toaster>();
    let tokens = LocalResource::new(api::list_tokens);
    let (name, user) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let shown_once = RwSignal::new(None::<String>);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewToken {
            name: name.get_untracked(),
            user: Some(user.get_untracked()).filter(|u| !u.trim().is_empty()),
        };
        spawn_local(async move {
            match api::create_token(new).await {
                Ok(created) => {
                    shown_once.set(Some(created.token));
                    name.set(String::new());
                    tokens.refetch();
                }
                Err(message) => toaster.failure(format!("Token not made: {message}")),
            }
        });
    };
    let revoke = move |id: i64| {
        spawn_local(async move {
            toaster.outcome(
                api::revoke_token(id)
                    .await
                    .map(|t| format!("Token {} revoked", t.name))
                    .map_err(|e| format!("Token not revoked: {e}")),
            );
            tokens.refetch();
        });
    };
    let rows = move || {
        let list: Vec<ApiToken> = tokens.get().and_then(Result::ok).unwrap_or_default();
        list.into_iter()
            .map(|t| {
                let id = t.id;
                let live = t.revoked_at.is_none();
                view! {
                    <tr data-testid="token-row">
                        <td>{t.name}</td>
                        <td>{t.user}</td>
                        <td>{readable_time(&t.created_at)}</td>
                        <td>{t.last_used_at.as_deref().map_or_else(|| "never".into(), readable_time)}</td>
                        <td>
                            {match t.revoked_at {
                                Some(at) => format!("revoked {}", readable_time(&at)).into_any(),
                                None => ().into_any(),
                            }}
                            {live.then(|| view! { <button type="button" class="danger" on:click=move |_| revoke(id)>"Revoke"</button> })}
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <section class="card">
            <h2>"API tokens"</h2>
            <p class="muted">"Send a token as " <code>"Authorization: Bearer …"</code> " to the API or the passthrough; it acts with its user's roles."</p>
            {move || shown_once.get().map(|token| view! {
                <p class="notice" data-testid="new-token">"Copy the token now; it is not shown again: " <code>{token}</code></p>
            })}
            <div class="table-scroll">
                <table data-testid="tokens">
                    <ColumnHeads columns=&["Name", "User", "Made", "Last used", ""] />
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <form class="inline-form" on:submit=create>
                <input placeholder="Token name, e.g. deploy script" required bind:value=name data-testid="token-name" />
                {admin.then(|| view! { <input placeholder="For user (default: you)" bind:value=user /> })}
                <button type="submit" data-testid="create-token">"Make a token"</button>
            </form>
        </section>
    }
}

#[component]
fn Users() -> impl IntoView {
    let toaster = expect_context::<Toaster>();
    let users = LocalResource::new(api::list_users);
    let (name, roles, password) = (
        RwSignal::new(String::new()),
        RwSignal::new("viewer".to_owned()),
        RwSignal::new(String::new()),
    );
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let grants = match Grant::parse_all(&roles.get_untracked()) {
            Ok(grants) => grants,
            Err(message) => return toaster.failure(message),
        };
        let change = UserChange {
            name: name.get_untracked(),
            grants,
            password: Some(password.get_untracked()),
        };
        spawn_local(async move {
            match api::create_user(change).await {
                Ok(user) => {
                    toaster.success(format!("User {} added", user.name));
                    name.set(String::new());
                    password.set(String::new());
                    users.refetch();
                }
                Err(message) => toaster.failure(format!("User not added: {message}")),
            }
        });
    };
    let on_changed = Callback::new(move |()| users.refetch());
    view! {
        <section class="card">
            <h2>"Users"</h2>
            <p class="muted">"Roles: viewer, operator, editor, admin; " <code>"editor@dev,staging"</code> " limits one to those clusters."</p>
            <div class="table-scroll">
                <table data-testid="users">
                    <ColumnHeads columns=&["User", "Roles", "New password", ""] />
                    <tbody>
                        {move || users.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|user| view! { <UserRow user on_changed /> }).collect_view()}
                    </tbody>
                </table>
            </div>
            <form class="inline-form" on:submit=add>
                <input placeholder="Name" required bind:value=name data-testid="user-name" />
                <input placeholder="Roles" required bind:value=roles data-testid="user-roles" />
                <input type="password" placeholder="Password (8 or more characters)" autocomplete="new-password" required bind:value=password data-testid="user-password" />
                <button type="submit" data-testid="add-user">"Add user"</button>
            </form>
        </section>
    }
}

#[component]
fn UserRow(user: User, on_changed: Callback<()>) -> impl IntoView {
    let toaster = expect_context::<Toaster>();
    let roles = RwSignal::new(grants_text(&user.grants));
    let password = RwSignal::new(String::new());
    let name = StoredValue::new(user.name.clone());
    let save = move |_| {
        let grants = match Grant::parse_all(&roles.get_untracked()) {
            Ok(grants) => grants,
            Err(message) => return toaster.failure(message),
        };
        let new_password = Some(password.get_untracked()).filter(|p| !p.is_empty());
        let change = UserChange {
            name: name.get_value(),
            grants,
            password: new_password,
        };
        spawn_local(async move {
            toaster.outcome(
                api::update_user(&name.get_value(), change)
                    .await
                    .map(|u| format!("Saved {}", u.name))
                    .map_err(|e| format!("Not saved: {e}")),
            );
            password.set(String::new());
            on_changed.run(());
        });
    };
    let remove = move |_| {
        spawn_local(async move {
            toaster.outcome(
                api::delete_user(&name.get_value())
                    .await
                    .map(|()| format!("Removed {}", name.get_value()))
                    .map_err(|e| format!("Not removed: {e}")),
            );
            on_changed.run(());
        });
    };
    view! {
        <tr data-testid="user-row" data-user=user.name>
            <td>{user.name.clone()}</td>
            <td><input aria-label="Roles" bind:value=roles /></td>
            <td><input type="password" aria-label="New password" autocomplete="new-password" bind:value=password /></td>
            <td>
                <button type="button" on:click=save>"Save"</button>
                " "
                <button type="button" class="danger" on:click=remove>"Remove"</button>
            </td>
        </tr>
    }
}
