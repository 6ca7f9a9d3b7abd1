//! Pieces of UI that pages share.

mod cluster_card;

pub use cluster_card::ClusterCard;
