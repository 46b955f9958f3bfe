//! Where each part of the inbox screen goes, for `update` and `ui` alike.

use ratatui::layout::{Constraint, Layout, Rect};

/// Where each part of the inbox screen goes. Shared by `update` (page sizes) and `ui`
/// (drawing), so the two always agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaneLayout {
    /// Title bar.
    pub title: Rect,
    /// The message list (with its border), if shown.
    pub list: Option<Rect>,
    /// The detail pane (with its border), if shown.
    pub detail: Option<Rect>,
    /// Status line.
    pub status: Rect,
    /// Key hints.
    pub hints: Rect,
}

impl PaneLayout {
    /// Splits `area`: title, panes, status and hints. Wide terminals put the detail beside
    /// the list, others below it; `detail_only` gives the detail the whole pane area.
    pub fn new(area: Rect, show_detail: bool, detail_only: bool) -> Self {
        let [title, body, status, hints] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let (list, detail) = if detail_only {
            (None, Some(body))
        } else if !show_detail {
            (Some(body), None)
        } else if area.width >= 160 {
            let [list, detail] =
                Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                    .areas(body);
            (Some(list), Some(detail))
        } else {
            // Short terminals give the list the larger share: it is where triage happens.
            let list_share = if body.height < 20 { 60 } else { 45 };
            let [list, detail] = Layout::vertical([
                Constraint::Percentage(list_share),
                Constraint::Percentage(100 - list_share),
            ])
            .areas(body);
            (Some(list), Some(detail))
        };
        Self {
            title,
            list,
            detail,
            status,
            hints,
        }
    }

    /// Rows of messages visible in the list (inside its border).
    pub fn list_rows(&self) -> usize {
        self.list.map_or(0, |r| r.height.saturating_sub(2) as usize)
    }

    /// Rows of text visible in the detail pane (inside its border).
    pub fn detail_rows(&self) -> usize {
        self.detail
            .map_or(0, |r| r.height.saturating_sub(2) as usize)
    }
}
