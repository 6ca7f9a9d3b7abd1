//! Before and after of every key that differs between two versions of a connector's config.

use api_types::ConfigChange;
use leptos::prelude::*;

/// Before and after of every changed key; additions and removals are marked. `sides` names
/// the two columns when they are not "Before" and "After".
#[component]
pub(crate) fn DiffTable(
    changes: Vec<ConfigChange>,
    #[prop(optional)] sides: Option<(&'static str, &'static str)>,
) -> impl IntoView {
    let (left, right) = sides.unwrap_or(("Before", "After"));
    view! {
        <div class="table-scroll">
            <table class="diff" data-testid="diff">
                <thead><tr><th scope="col">"Key"</th><th scope="col">{left}</th><th scope="col">{right}</th></tr></thead>
                <tbody>
                    {changes.into_iter().map(|ConfigChange { key, before, after }| {
                        let kind = match (&before, &after) { (None, _) => "added", (_, None) => "removed", _ => "changed" };
                        let data_key = key.clone();
                        view! {
                            <tr class=kind data-key=data_key data-testid="diff-row">
                                <th scope="row"><code>{key}</code> " " <span class="muted small">{kind}</span></th>
                                <td class="before"><code>{before.unwrap_or_default()}</code></td>
                                <td class="after"><code>{after.unwrap_or_default()}</code></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
