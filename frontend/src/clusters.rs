//! The configured clusters, fetched by the shell and shared with the header and every page
//! through the context.

use api_types::ClusterOverview;
use leptos::prelude::*;

use crate::api::ApiResult;

/// The cluster list, fetched once and shared by the header and the pages.
#[derive(Clone, Copy)]
pub(crate) struct ClusterList(pub LocalResource<ApiResult<Vec<ClusterOverview>>>);
