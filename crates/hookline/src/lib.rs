//! Hookline's core: split rendered manifests into hooks and resources, and plan what Helm does
//! with them. No I/O, no threads, no clock: the same code runs natively and in the browser.

pub mod hooks;
pub mod kind_order;
pub mod manifest;
pub mod plan;

pub use hooks::{DeletePolicy, Hook, HookEvent};
pub use manifest::{split_rendered, Document, RenderedFile, Resource, SortedManifests};
pub use plan::{plan_install, Action, HelmVersion, Plan, Step};
