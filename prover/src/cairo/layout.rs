//! Where the Cairo AIR's columns are. One trace row per Cairo step.
//!
//! Main columns, in order: the CPU's (see `cpu`); `mem_extra` spare memory slots, an
//! address and a value each (public-memory dummies and hole fillers); `rc_fill` spare
//! offsets (hole fillers of the offsets' range check); each builtin's block, in registry
//! order; the sorted memory pairs, one per memory slot; the sorted offsets; each builtin's
//! tail columns. All are committed with the main trace. Aux columns: the memory running
//! products, the offsets' running products, then each builtin's aux columns.
//!
//! A row's memory slots: the CPU's four accesses, the spares, then the cells of each
//! builtin's accesses on that row.

use super::builtins::{self, Builtin, BUILTINS};
use super::cpu;

/// The shape of the trace: spare slots per row and which builtins it has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Spare memory slots per row.
    pub mem_extra: usize,
    /// Spare offset slots per row.
    pub rc_fill: usize,
    /// Spare part slots per row of the range_check builtin (0 without it).
    pub rcb_fill: usize,
    /// The builtins the AIR has, by position in [`BUILTINS`].
    pub builtins: [bool; BUILTINS.len()],
}

/// Where a builtin's columns start, as indices into a row of main then aux columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    /// The layout (some builtins' widths depend on it).
    pub layout: Layout,
    pub block: usize,
    pub tail: usize,
    pub aux: usize,
}

impl Layout {
    /// A layout without builtins.
    pub fn new(mem_extra: usize, rc_fill: usize) -> Self {
        Layout { mem_extra, rc_fill, rcb_fill: 0, builtins: [false; BUILTINS.len()] }
    }

    /// The same layout with the registered builtin `name`.
    pub fn with(mut self, name: &str) -> Self {
        let i = builtins::index(name).unwrap_or_else(|| panic!("{name} is not a registered builtin"));
        self.builtins[i] = true;
        self
    }

    pub fn has(&self, name: &str) -> bool {
        builtins::index(name).is_some_and(|i| self.builtins[i])
    }

    /// The layout's builtins with their positions in [`BUILTINS`], in that order.
    pub fn present(&self) -> impl Iterator<Item = (usize, &'static dyn Builtin)> {
        let on = self.builtins;
        BUILTINS.into_iter().enumerate().filter(move |(i, _)| on[*i])
    }

    /// The layout's builtins (with their positions in [`BUILTINS`]) and where their columns
    /// are.
    pub fn places(&self) -> Vec<(usize, &'static dyn Builtin, Place)> {
        let (mut block, mut tail, mut aux) = (self.blocks(), self.tails(), self.num_main() + self.mem_slots() + self.rc_slots());
        self.present()
            .map(|(i, b)| {
                let at = Place { layout: *self, block, tail, aux };
                block += b.columns(self);
                tail += b.tail_columns(self);
                aux += b.aux_columns(self);
                (i, b, at)
            })
            .collect()
    }

    /// Where builtin `name`'s columns are, if the layout has it.
    pub fn place(&self, name: &str) -> Option<Place> {
        self.places().into_iter().find(|(_, b, _)| b.name() == name).map(|(_, _, at)| at)
    }

    /// `f` summed over the layout's builtins.
    fn sum(&self, f: impl Fn(&dyn Builtin) -> usize) -> usize {
        self.present().map(|(_, b)| f(b)).sum()
    }

    /// Memory accesses per row: the CPU's four, the spares, then the builtins' cells.
    pub fn mem_slots(&self) -> usize {
        cpu::ACCESSES.len() + self.mem_extra + self.sum(|b| b.slots())
    }
    /// Range-checked offsets per row: three offsets and spares.
    pub fn rc_slots(&self) -> usize {
        3 + self.rc_fill
    }
    pub fn extra_addr(&self, k: usize) -> usize {
        cpu::COLUMNS + 2 * k
    }
    pub fn extra_val(&self, k: usize) -> usize {
        cpu::COLUMNS + 2 * k + 1
    }
    pub fn rc_fill_col(&self, k: usize) -> usize {
        cpu::COLUMNS + 2 * self.mem_extra + k
    }
    /// The first builtin block column.
    fn blocks(&self) -> usize {
        self.rc_fill_col(self.rc_fill)
    }
    fn sorted_mem_base(&self) -> usize {
        self.blocks() + self.sum(|b| b.columns(self))
    }
    pub fn sorted_addr(&self, s: usize) -> usize {
        self.sorted_mem_base() + 2 * s
    }
    pub fn sorted_val(&self, s: usize) -> usize {
        self.sorted_mem_base() + 2 * s + 1
    }
    pub fn sorted_rc(&self, s: usize) -> usize {
        self.sorted_mem_base() + 2 * self.mem_slots() + s
    }
    /// The first builtin tail column.
    fn tails(&self) -> usize {
        self.sorted_rc(self.rc_slots())
    }
    pub fn num_main(&self) -> usize {
        self.tails() + self.sum(|b| b.tail_columns(self))
    }
    pub fn mem_prod(&self, s: usize) -> usize {
        self.num_main() + s
    }
    pub fn rc_prod(&self, s: usize) -> usize {
        self.num_main() + self.mem_slots() + s
    }
    pub fn num_aux(&self) -> usize {
        self.mem_slots() + self.rc_slots() + self.sum(|b| b.aux_columns(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every subset of the registry, with and without spares.
    fn layouts() -> Vec<Layout> {
        let mut v = Vec::new();
        for set in 0..1usize << BUILTINS.len() {
            for (mem_extra, rc_fill, rcb_fill) in [(2, 1, 2), (1, 0, 0)] {
                let mut l = Layout::new(mem_extra, rc_fill);
                for (i, b) in BUILTINS.iter().enumerate() {
                    if set >> i & 1 == 1 {
                        l = l.with(b.name());
                    }
                }
                if l.has(builtins::range_check::NAME) {
                    l.rcb_fill = rcb_fill;
                }
                v.push(l);
            }
        }
        v
    }

    #[test]
    fn columns_are_disjoint_and_dense() {
        for l in layouts() {
            let mut main: Vec<usize> = (0..cpu::COLUMNS).collect();
            for k in 0..l.mem_extra {
                main.extend([l.extra_addr(k), l.extra_val(k)]);
            }
            main.extend((0..l.rc_fill).map(|k| l.rc_fill_col(k)));
            let mut aux: Vec<usize> = (0..l.mem_slots()).map(|s| l.mem_prod(s)).collect();
            aux.extend((0..l.rc_slots()).map(|s| l.rc_prod(s)));
            let mut cells = cpu::ACCESSES.len() + l.mem_extra;
            for (_, b, at) in l.places() {
                main.extend(at.block..at.block + b.columns(&l));
                main.extend(at.tail..at.tail + b.tail_columns(&l));
                aux.extend(at.aux..at.aux + b.aux_columns(&l));
                cells += b.slots();
                assert_eq!(l.place(b.name()), Some(at));
            }
            assert_eq!(cells, l.mem_slots());
            for s in 0..l.mem_slots() {
                main.extend([l.sorted_addr(s), l.sorted_val(s)]);
            }
            main.extend((0..l.rc_slots()).map(|s| l.sorted_rc(s)));
            main.sort_unstable();
            main.dedup();
            assert_eq!(main, (0..l.num_main()).collect::<Vec<_>>(), "{l:?}");
            aux.sort_unstable();
            aux.dedup();
            assert_eq!(aux, (l.num_main()..l.num_main() + l.num_aux()).collect::<Vec<_>>(), "{l:?}");
        }
    }
}
