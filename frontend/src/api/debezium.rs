//! A Debezium source connector's card.

use api_types::DebeziumCard;

use super::{ApiResult, connector_path, get_json};

pub(crate) async fn debezium_card(cluster: String, name: String) -> ApiResult<DebeziumCard> {
    get_json(&format!("{}/debezium", connector_path(&cluster, &name))).await
}
