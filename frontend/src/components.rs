//! Pieces of UI that pages share.

mod badges;
mod cluster_card;
mod confirm;
mod diff_table;
mod history_list;

pub use badges::{HealthBadge, StateBadge, health_label};
pub use cluster_card::ClusterCard;
pub use confirm::TypeToConfirm;
pub use diff_table::DiffTable;
pub use history_list::{HistoryList, readable_time};
