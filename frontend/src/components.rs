//! Pieces of UI that pages share.

mod badges;
mod cluster_card;
mod confirm;

pub use badges::{HealthBadge, StateBadge, health_label};
pub use cluster_card::ClusterCard;
pub use confirm::TypeToConfirm;
