//! Pieces of UI that pages share.

mod badges;
mod cluster_card;
mod confirm;
mod diff_table;
mod history_list;
mod kafka;
mod list_parts;
mod user_menu;

pub use badges::{DriftBadge, HealthBadge, StateBadge, health_label};
pub use cluster_card::ClusterCard;
pub use confirm::TypeToConfirm;
pub use diff_table::DiffTable;
pub use history_list::{HistoryList, readable_ms, readable_time};
pub use kafka::{KafkaFreshness, LagChart, PartitionTable, duration_text};
pub use list_parts::{ColumnHeads, SearchBox};
pub use user_menu::UserMenu;
