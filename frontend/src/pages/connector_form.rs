//! Creating and editing a connector through a form generated from Connect's validate answer,
//! with a JSON / properties tab on the same config, and a review of the diff before an edit
//! is applied.

mod fields;
mod plugin_picker;
mod review;
mod state;
mod text_tab;

use std::collections::BTreeMap;

use api_types::NewConnector;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use crate::api::{self, ApiError};
use crate::failure::Failure;
use crate::links;
use crate::toasts::Toaster;
use fields::SettingsForm;
use plugin_picker::PluginPicker;
use review::Review;
use state::FormState;
use text_tab::TextTab;

/// `/clusters/{cluster}/new`, optionally `?clone={name}` or `?plugin={class}`.
#[component]
pub(crate) fn NewConnectorPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let cluster = params.with_untracked(|p| p.get("cluster").unwrap_or_default());
    let clone_of = query.with_untracked(|q| q.get("clone"));
    let plugin = query.with_untracked(|q| q.get("plugin"));
    let form = FormState::new(cluster.clone());
    let load_error = match (&clone_of, plugin) {
        (Some(source), _) => {
            let copy_name = format!("{source}-copy");
            Some(read_config(cluster, source.clone(), move |mut config| {
                config.insert("name".into(), copy_name.clone());
                form.config.try_set(config);
            }))
        }
        (None, Some(class)) => {
            form.choose_plugin(class);
            None
        }
        (None, None) => None,
    };
    let title = clone_of.map_or_else(
        || "New connector".to_owned(),
        |name| format!("Clone of {name}"),
    );
    // A memo, so that typing (which changes the config) does not re-render the editor.
    let has_plugin = Memo::new(move |_| form.plugin().is_some());
    view! {
        <div class="title-row"><h1>{title}</h1></div>
        {move || load_error.and_then(|e| e.get()).map(|error| view! { <Failure error /> })}
        {move || if has_plugin.get() {
            view! { <Editor form creating=true /> }.into_any()
        } else {
            view! { <PluginPicker cluster=form.cluster.get_value() on_pick=Callback::new(move |class| form.choose_plugin(class)) /> }.into_any()
        }}
    }
}

/// `/clusters/{cluster}/connectors/{name}/edit`.
#[component]
pub(crate) fn EditConnectorPage() -> impl IntoView {
    let params = use_params_map();
    let cluster = params.with_untracked(|p| p.get("cluster").unwrap_or_default());
    let name = links::path_segment_after("connectors")
        .get_untracked()
        .unwrap_or_default();
    let form = FormState::new(cluster.clone());
    let load_error = read_config(cluster.clone(), name.clone(), move |config| {
        form.load_original(config);
    });
    let back = links::href(&links::connector(&cluster, &name));
    let title = format!("Edit {name}");
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumb"><A href=back>{name}</A> " / edit"</nav>
        <div class="title-row"><h1>{title}</h1></div>
        {move || load_error.get().map(|error| view! { <Failure error /> })}
        <Show when=move || form.original.with(Option::is_some)>
            <Editor form creating=false />
        </Show>
    }
}

/// Reads a connector's config once and hands it to `apply`; gives back why the read failed.
fn read_config(
    cluster: String,
    name: String,
    apply: impl Fn(BTreeMap<String, String>) + 'static,
) -> Signal<Option<ApiError>, LocalStorage> {
    let read = LocalResource::new(move || api::get_connector(cluster.clone(), name.clone()));
    Effect::new(move |_| {
        if let Some(Ok(detail)) = read.get() {
            untrack(|| apply(detail.config));
        }
    });
    Signal::derive_local(move || read.get().and_then(Result::err))
}

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Form,
    Text,
    Review,
}

/// The tabs, the form or the text, and the submit button.
#[component]
fn Editor(form: FormState, creating: bool) -> impl IntoView {
    let tab = RwSignal::new(Tab::Form);
    let toaster = expect_context::<Toaster>();
    let create = creation(form, toaster, use_navigate());
    let submit = move |_| {
        form.check_then(move || {
            if creating {
                let config = form.config.get_untracked();
                create.dispatch_local(NewConnector {
                    name: config.get("name").cloned().unwrap_or_default(),
                    config,
                    initial_state: None,
                });
            } else {
                tab.set(Tab::Review);
            }
        });
    };
    let tab_button = move |which: Tab, label: &'static str, testid: &'static str| {
        view! {
            <button role="tab" aria-selected=move || (tab.get() == which).to_string() on:click=move |_| tab.set(which) data-testid=testid>
                {label}
            </button>
        }
    };
    view! {
        <div class="tabs" role="tablist">
            {tab_button(Tab::Form, "Form", "tab-form")}
            {tab_button(Tab::Text, "JSON / properties", "tab-json")}
        </div>
        {move || match tab.get() {
            Tab::Form => view! { <SettingsForm form creating /> }.into_any(),
            Tab::Text => view! { <TextTab form /> }.into_any(),
            Tab::Review => view! { <Review form on_back=Callback::new(move |_| tab.set(Tab::Form)) /> }.into_any(),
        }}
        <Show when=move || tab.get() != Tab::Review>
            <div class="button-row submit-row">
                <button class="primary" disabled=move || form.validating.get() || create.pending().get() on:click=submit data-testid="submit">
                    {if creating { "Create connector" } else { "Review changes" }}
                </button>
                {move || form.problem_summary().map(|text| view! { <span class="error" role="alert" data-testid="form-errors">{text}</span> })}
            </div>
        </Show>
    }
}

/// Creates a connector from the checked config and opens its page.
fn creation(
    form: FormState,
    toaster: Toaster,
    navigate: impl Fn(&str, leptos_router::NavigateOptions) + Clone + 'static,
) -> Action<NewConnector, ()> {
    Action::new_local(move |new: &NewConnector| {
        let (new, cluster, navigate) = (new.clone(), form.cluster.get_value(), navigate.clone());
        async move {
            let name = new.name.clone();
            match api::create_connector(&cluster, &new, form.reason_header()).await {
                Ok(_) => {
                    toaster.success(format!("Created {name}"));
                    navigate(&links::connector(&cluster, &name), Default::default());
                }
                Err(error) => {
                    form.submit_error.try_set(Some(error.to_string()));
                    toaster.refused(&format!("Could not create {name}"), &error);
                }
            }
        }
    })
}
