//! Users and API tokens: everyone signed in manages their own tokens (a new one is shown once);
//! admins see everyone's, and add users, change their roles and passwords, and remove them.

use api_types::{ApiToken, Grant, NewToken, PasswordChange, Role, User, UserChange};
use leptos::prelude::*;

use crate::api;
use crate::components::{ColumnHeads, readable_time};
use crate::failure::failures;
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
    let change_password = Action::new_local(move |change: &PasswordChange| {
        let change = change.clone();
        async move {
            match api::change_password(change).await {
                Ok(()) => session::signed_out(),
                Err(error) => toaster.refused("Password not changed", &error),
            }
        }
    });
    let change = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        change_password.dispatch_local(PasswordChange {
            current: current.get_untracked(),
            new: new.get_untracked(),
        });
    };
    view! {
        <section class="card">
            <h2>"Your password"</h2>
            <form class="inline-form" on:submit=change>
                <input type="password" placeholder="Current password" autocomplete="current-password" required bind:value=current />
                <input type="password" placeholder="New password (8 or more characters)" autocomplete="new-password" required bind:value=new />
                <button type="submit" disabled=move || change_password.pending().get()>"Change, and sign in again"</button>
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
    let create_token = Action::new_local(move |new: &NewToken| {
        let new = new.clone();
        async move {
            match api::create_token(new).await {
                Ok(created) => {
                    shown_once.set(Some(created.token));
                    name.set(String::new());
                    tokens.refetch();
                }
                Err(error) => toaster.refused("Token not made", &error),
            }
        }
    });
    let revoke = Action::new_local(move |&id: &i64| async move {
        match api::revoke_token(id).await {
            Ok(token) => toaster.success(format!("Token {} revoked", token.name)),
            Err(error) => toaster.refused("Token not revoked", &error),
        }
        tokens.refetch();
    });
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create_token.dispatch_local(NewToken {
            name: name.get_untracked(),
            user: Some(user.get_untracked()).filter(|u| !u.trim().is_empty()),
        });
    };
    let table = move |list: Vec<ApiToken>| {
        let rows = list
            .into_iter()
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
                            {live.then(|| view! { <button type="button" class="danger" disabled=move || revoke.pending().get() on:click=move |_| { revoke.dispatch_local(id); }>"Revoke"</button> })}
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-scroll">
                <table data-testid="tokens">
                    <ColumnHeads columns=&["Name", "User", "Made", "Last used", ""] />
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    };
    view! {
        <section class="card">
            <h2>"API tokens"</h2>
            <p class="muted">"Send a token as " <code>"Authorization: Bearer …"</code> " to the API or the passthrough; it acts with its user's roles."</p>
            {move || shown_once.get().map(|token| view! {
                <p class="notice" data-testid="new-token">"Copy the token now; it is not shown again: " <code>{token}</code></p>
            })}
            <ErrorBoundary fallback=failures>
                <Transition fallback=|| view! { <p class="muted">"Asking for the tokens…"</p> }>
                    {move || Suspend::new(async move { tokens.await.map(table) })}
                </Transition>
            </ErrorBoundary>
            <form class="inline-form" on:submit=create>
                <input placeholder="Token name, e.g. deploy script" required bind:value=name data-testid="token-name" />
                {admin.then(|| view! { <input placeholder="For user (default: you)" bind:value=user /> })}
                <button type="submit" disabled=move || create_token.pending().get() data-testid="create-token">"Make a token"</button>
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
    let add_user = Action::new_local(move |change: &UserChange| {
        let change = change.clone();
        async move {
            match api::create_user(change).await {
                Ok(user) => {
                    toaster.success(format!("User {} added", user.name));
                    name.set(String::new());
                    password.set(String::new());
                    users.refetch();
                }
                Err(error) => toaster.refused("User not added", &error),
            }
        }
    });
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match Grant::parse_all(&roles.get_untracked()) {
            Ok(grants) => {
                add_user.dispatch_local(UserChange {
                    name: name.get_untracked(),
                    grants,
                    password: Some(password.get_untracked()),
                });
            }
            Err(message) => toaster.failure(message),
        }
    };
    let on_changed = Callback::new(move |()| users.refetch());
    let table = move |list: Vec<User>| {
        view! {
            <div class="table-scroll">
                <table data-testid="users">
                    <ColumnHeads columns=&["User", "Roles", "New password", ""] />
                    <tbody>
                        {list.into_iter().map(|user| view! { <UserRow user on_changed /> }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
    };
    view! {
        <section class="card">
            <h2>"Users"</h2>
            <p class="muted">"Roles: viewer, operator, editor, admin; " <code>"editor@dev,staging"</code> " limits one to those clusters."</p>
            <ErrorBoundary fallback=failures>
                <Transition fallback=|| view! { <p class="muted">"Asking for the users…"</p> }>
                    {move || Suspend::new(async move { users.await.map(table) })}
                </Transition>
            </ErrorBoundary>
            <form class="inline-form" on:submit=add>
                <input placeholder="Name" required bind:value=name data-testid="user-name" />
                <input placeholder="Roles" required bind:value=roles data-testid="user-roles" />
                <input type="password" placeholder="Password (8 or more characters)" autocomplete="new-password" required bind:value=password data-testid="user-password" />
                <button type="submit" disabled=move || add_user.pending().get() data-testid="add-user">"Add user"</button>
            </form>
        </section>
    }
}

/// What a user row asks of the backend.
#[derive(Clone)]
enum UserEdit {
    Save(UserChange),
    Remove,
}

#[component]
fn UserRow(user: User, on_changed: Callback<()>) -> impl IntoView {
    let toaster = expect_context::<Toaster>();
    let roles = RwSignal::new(grants_text(&user.grants));
    let password = RwSignal::new(String::new());
    let name = user.name.clone();
    let edit = Action::new_local(move |edit: &UserEdit| {
        let (name, edit) = (name.clone(), edit.clone());
        async move {
            match edit {
                UserEdit::Save(change) => match api::update_user(&name, change).await {
                    Ok(user) => toaster.success(format!("Saved {}", user.name)),
                    Err(error) => toaster.refused("Not saved", &error),
                },
                UserEdit::Remove => match api::delete_user(&name).await {
                    Ok(()) => toaster.success(format!("Removed {name}")),
                    Err(error) => toaster.refused("Not removed", &error),
                },
            }
            password.try_set(String::new());
            on_changed.run(());
        }
    });
    let name = StoredValue::new(user.name.clone());
    let save = move |_| match Grant::parse_all(&roles.get_untracked()) {
        Ok(grants) => {
            edit.dispatch_local(UserEdit::Save(UserChange {
                name: name.get_value(),
                grants,
                password: Some(password.get_untracked()).filter(|p| !p.is_empty()),
            }));
        }
        Err(message) => toaster.failure(message),
    };
    let busy = edit.pending();
    view! {
        <tr data-testid="user-row" data-user=user.name>
            <td>{user.name.clone()}</td>
            <td><input aria-label="Roles" bind:value=roles /></td>
            <td><input type="password" aria-label="New password" autocomplete="new-password" bind:value=password /></td>
            <td>
                <button type="button" disabled=move || busy.get() on:click=save>"Save"</button>
                " "
                <button type="button" class="danger" disabled=move || busy.get() on:click=move |_| { edit.dispatch_local(UserEdit::Remove); }>"Remove"</button>
            </td>
        </tr>
    }
}
