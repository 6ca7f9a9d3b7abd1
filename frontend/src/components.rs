//! Pieces of UI that pages share.

mod badges;
mod cluster_card;
mod confirm;
mod diff_table;
mod doc_text;
mod history_list;
mod kafka;
mod lag_chart;
mod list_parts;
mod user_menu;

pub(crate) use badges::{DriftBadge, HealthBadge, StateBadge, health_label};
pub(crate) use cluster_card::ClusterCard;
pub(crate) use confirm::TypeToConfirm;
pub(crate) use diff_table::DiffTable;
pub(crate) use doc_text::DocText;
pub(crate) use history_list::{HistoryList, readable_ms, readable_time};
pub(crate) use kafka::{KafkaFreshness, PartitionTable, duration_text};
pub(crate) use lag_chart::{LagChart, Threshold};
pub(crate) use list_parts::{ColumnHeads, SearchBox};
pub(crate) use user_menu::UserMenu;
