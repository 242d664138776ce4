//! report.html's coverage matrix: the cells of [`coverage`] as the
//! template shows them, a column per common status and one for the rest.

use super::super::coverage::{coverage, Cell};
use super::super::model::RunReport;
use crate::api::{self, Endpoint};

/// The status codes of the coverage matrix.
pub(super) const CODES: [u16; 6] = [200, 400, 401, 403, 404, 429];

pub(super) struct MatrixRow {
    /// `POST /api/standard-psa/{psaType}/credential`.
    pub(super) endpoint: String,
    pub(super) cells: Vec<Option<CellView>>,
    /// Statuses outside [`CODES`].
    pub(super) other: Option<OtherCell>,
}

/// The "other" cell: every further status, coloured by the worst of them.
pub(super) struct OtherCell {
    pub(super) worst: &'static str,
    pub(super) codes: Vec<(u16, CellView)>,
}

/// One cell of the matrix: `✗ 2 of 5`.
pub(super) struct CellView {
    pub(super) class: &'static str,
    pub(super) mark: &'static str,
    pub(super) n: usize,
    pub(super) of: Option<usize>,
}

impl Cell {
    fn view(self) -> CellView {
        if self.failed > 0 {
            CellView {
                class: "c-bad",
                mark: "✗",
                n: self.failed,
                of: Some(self.total()),
            }
        } else if self.warned > 0 {
            CellView {
                class: "c-warn",
                mark: "!",
                n: self.warned,
                of: Some(self.total()),
            }
        } else {
            CellView {
                class: "c-ok",
                mark: "✓",
                n: self.passed,
                of: None,
            }
        }
    }
}

pub(super) fn matrix(run: &RunReport) -> Vec<MatrixRow> {
    let cells = coverage(run);
    api::certified_psa()
        .map(|endpoint: &Endpoint| {
            let id = endpoint.operation_id;
            let others: Vec<(u16, Cell)> = cells
                .iter()
                .filter(|((e, code), _)| *e == id && !CODES.contains(code))
                .map(|((_, code), cell)| (*code, *cell))
                .collect();
            let other = others
                .iter()
                .map(|(_, cell)| *cell)
                .max_by_key(|cell| (cell.failed > 0, cell.warned > 0))
                .map(|worst| OtherCell {
                    worst: worst.view().class,
                    codes: others
                        .iter()
                        .map(|(code, cell)| (*code, cell.view()))
                        .collect(),
                });
            MatrixRow {
                endpoint: endpoint.key(),
                cells: CODES
                    .iter()
                    .map(|code| cells.get(&(id, *code)).map(|c| c.view()))
                    .collect(),
                other,
            }
        })
        .collect()
}
