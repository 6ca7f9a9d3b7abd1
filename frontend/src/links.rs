//! The app's own URLs, built in one place, and reading a connector's name back from the address
//! bar exactly (names may hold `/`, `%`, spaces or unicode).

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::encode;

pub(crate) fn dashboard(cluster: Option<&str>) -> String {
    cluster.map_or_else(|| "/".to_owned(), |id| format!("/clusters/{}", encode(id)))
}

pub(crate) fn connector(cluster: &str, name: &str) -> String {
    format!("/clusters/{}/connectors/{}", encode(cluster), encode(name))
}

pub(crate) fn edit_connector(cluster: &str, name: &str) -> String {
    format!("{}/edit", connector(cluster, name))
}

/// The create page; `clone_of` prefills it from an existing connector.
pub(crate) fn new_connector(cluster: &str, clone_of: Option<&str>) -> String {
    let base = format!("/clusters/{}/new", encode(cluster));
    match clone_of {
        Some(name) => format!("{base}?clone={}", encode(name)),
        None => base,
    }
}

/// The `href` of a link to `address`. The router decodes a clicked link's path once before it
/// navigates, so each `%` of the path is escaped once more; the address bar then shows
/// `address` itself.
pub(crate) fn href(address: &str) -> String {
    match address.split_once('?') {
        Some((path, query)) => format!("{}?{query}", path.replace('%', "%25")),
        None => address.replace('%', "%25"),
    }
}

/// The record browser of a topic, optionally opened on one partition from an offset.
pub(crate) fn records(cluster: &str, topic: &str) -> String {
    format!(
        "{}/{}/records",
        cluster_page(cluster, "topics"),
        encode(topic)
    )
}

pub(crate) fn cluster_page(cluster: &str, page: &str) -> String {
    format!("/clusters/{}/{page}", encode(cluster))
}

/// The segment that follows `after` in the current path, percent-decoded once. The router's
/// own params are decoded differently (an encoded `/` stays encoded), so connector names are
/// read here instead.
pub(crate) fn path_segment_after(after: &'static str) -> Memo<Option<String>> {
    let location = use_location();
    Memo::new(move |_| {
        location.pathname.track();
        let raw = window().location().pathname().ok()?;
        let mut segments = raw.split('/');
        segments.find(|segment| *segment == after)?;
        let encoded = segments.next()?;
        js_sys::decode_uri_component(encoded).ok().map(String::from)
    })
}
