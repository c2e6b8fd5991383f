//! The spanning tree of the network simplex and its pivot.
//!
//! The tree is rooted at an artificial node joined to every atom by an artificial arc. Each
//! node stores the arc to its parent (`pred_arc`, its direction and its flow), its potential,
//! its depth, and its neighbours in a preorder walk of the tree (`thread`, `rev_thread`, a
//! circular list through the root). A subtree is then a contiguous run of the thread: the
//! node itself and every node after it whose depth is larger.
//!
//! A pivot adds the entering arc, pushes flow around the cycle it closes, removes the
//! leaving arc, and hangs the cut-off subtree from the entering arc. Its cost is the length
//! of the cycle plus the size of the subtree that moves.
//!
//! Flows are integers (multiples of 2⁻⁶⁰ of the total mass), so degenerate pivots are
//! recognised exactly and the strongly feasible tree invariant (every arc with zero flow
//! points towards the root) is kept exactly, which rules out cycling (Cunningham, 1976).

/// Marks "no node" in `parent`.
pub(super) const NONE: usize = usize::MAX;

/// An arc of the network, given by its two end nodes and an identifier.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Arc {
    /// Identifier: `i * m + j` for a real arc, `n * m + v` for the artificial arc of node v.
    pub id: usize,
    /// The node the arc leaves.
    pub tail: usize,
    /// The node the arc enters.
    pub head: usize,
}

/// A strongly feasible spanning tree with node potentials.
#[derive(Debug, Clone)]
pub(super) struct SpanningTree {
    pub parent: Vec<usize>,
    pub pred_arc: Vec<usize>,
    /// `true` when the arc to the parent points from the node to the parent.
    pub upward: Vec<bool>,
    pub flow: Vec<i64>,
    pub potential: Vec<f64>,
    pub thread: Vec<usize>,
    pub rev_thread: Vec<usize>,
    pub depth: Vec<usize>,
    pub root: usize,
    /// Scratch space for the stem of a pivot and the last node of each stem subtree.
    stem: Vec<usize>,
    stem_last: Vec<usize>,
}

/// What a pivot changed, for the caller's bookkeeping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PivotOutcome {
    /// Flow moved around the cycle.
    Augmenting,
    /// The leaving arc had zero flow: the basis changed, the flow did not.
    Degenerate,
}

impl SpanningTree {
    /// The initial tree: every node hangs from the root by its artificial arc, upward with
    /// flow `supply` for a node with supply ≥ 0, downward with flow `−supply` otherwise.
    /// Potentials make every artificial arc's reduced cost zero.
    pub fn artificial(supply: &[i64], artificial_cost: f64, first_artificial: usize) -> Self {
        let n_nodes = supply.len();
        let root = n_nodes;
        let mut tree = Self {
            parent: vec![root; n_nodes + 1],
            pred_arc: (0..=n_nodes).map(|v| first_artificial + v).collect(),
            upward: supply.iter().map(|&s| s >= 0).chain([true]).collect(),
            flow: supply.iter().map(|&s| s.abs()).chain([0]).collect(),
            potential: vec![0.0; n_nodes + 1],
            thread: (1..=n_nodes + 1).map(|v| v % (n_nodes + 1)).collect(),
            rev_thread: (0..=n_nodes)
                .map(|v| (v + n_nodes) % (n_nodes + 1))
                .collect(),
            depth: vec![1; n_nodes + 1],
            root,
            stem: Vec::new(),
            stem_last: Vec::new(),
        };
        tree.parent[root] = NONE;
        tree.depth[root] = 0;

        // reduced cost c + π(tail) − π(head) = 0 on each artificial arc, with π(root) = 0
        for v in 0..n_nodes {
            tree.potential[v] = if tree.upward[v] {
                -artificial_cost
            } else {
                artificial_cost
            };
        }
        tree
    }

    /// Recomputes every potential from the tree arcs' costs, walking the thread from the
    /// root, so that rounding from incremental updates does not accumulate.
    pub fn recompute_potentials(&mut self, arc_cost: impl Fn(usize) -> f64) {
        self.potential[self.root] = 0.0;
        let mut v = self.thread[self.root];
        while v != self.root {
            let up = self.parent[v];
            let c = arc_cost(self.pred_arc[v]);
            // c + π(tail) − π(head) = 0 on the arc to the parent
            self.potential[v] = if self.upward[v] {
                self.potential[up] - c
            } else {
                self.potential[up] + c
            };
            v = self.thread[v];
        }
    }

    /// Whether `arc` is one of the tree's arcs.
    pub fn contains(&self, arc: &Arc) -> bool {
        self.pred_arc[arc.tail] == arc.id || self.pred_arc[arc.head] == arc.id
    }

    /// The deepest common ancestor of `u` and `v`.
    fn join(&self, mut u: usize, mut v: usize) -> usize {
        while u != v {
            if self.depth[u] >= self.depth[v] {
                u = self.parent[u];
            }
            if self.depth[v] > self.depth[u] {
                v = self.parent[v];
            }
        }
        u
    }

    /// Pivots `arc` (reduced cost `reduced_cost` < 0) into the tree.
    ///
    /// Returns `None` when no arc on the cycle limits the flow (an unbounded problem, which a
    /// transport problem with its artificial arcs can never be).
    pub fn pivot(&mut self, arc: Arc, reduced_cost: f64) -> Option<PivotOutcome> {
        debug_assert!(!self.contains(&arc));
        let join = self.join(arc.tail, arc.head);
        let (leaving, delta, on_tail_side) = self.leaving_arc(arc, join)?;
        if delta > 0 {
            self.augment(arc, join, delta);
        }

        // the subtree cut off by the leaving arc hangs from the entering arc at `hang`
        let (hang, new_parent) = if on_tail_side {
            (arc.tail, arc.head)
        } else {
            (arc.head, arc.tail)
        };
        let shift = if on_tail_side {
            -reduced_cost
        } else {
            reduced_cost
        };
        self.collect_stem(hang, leaving);
        self.rethread(new_parent, shift);
        self.reverse_stem(arc, new_parent, on_tail_side, delta);
        Some(if delta > 0 {
            PivotOutcome::Augmenting
        } else {
            PivotOutcome::Degenerate
        })
    }

    /// Cunningham's rule: of the arcs whose flow decreases around the cycle (oriented along
    /// the entering arc), the one that limits the flow and comes last from the join.
    fn leaving_arc(&self, arc: Arc, join: usize) -> Option<(usize, i64, bool)> {
        let (mut leaving, mut delta, mut on_tail_side) = (NONE, i64::MAX, false);

        // tail side, walked upwards against the cycle: flow runs downwards here, so upward
        // arcs decrease; the last blocking arc of the cycle is the first one met
        let mut u = arc.tail;
        while u != join {
            if self.upward[u] && self.flow[u] < delta {
                (leaving, delta, on_tail_side) = (u, self.flow[u], true);
            }
            u = self.parent[u];
        }

        // head side, walked along the cycle: flow runs upwards, downward arcs decrease;
        // ties go to the later arc, nearer the join
        let mut v = arc.head;
        while v != join {
            if !self.upward[v] && self.flow[v] <= delta {
                (leaving, delta, on_tail_side) = (v, self.flow[v], false);
            }
            v = self.parent[v];
        }
        (leaving != NONE).then_some((leaving, delta, on_tail_side))
    }

    /// Pushes `delta` units around the cycle closed by `arc`.
    fn augment(&mut self, arc: Arc, join: usize, delta: i64) {
        let mut u = arc.tail;
        while u != join {
            self.flow[u] += if self.upward[u] { -delta } else { delta };
            u = self.parent[u];
        }
        let mut v = arc.head;
        while v != join {
            self.flow[v] += if self.upward[v] { delta } else { -delta };
            v = self.parent[v];
        }
    }

    /// Fills `stem` with the path from `hang` up to `leaving` (both included) and
    /// `stem_last` with the last node, in thread order, of each stem node's subtree.
    fn collect_stem(&mut self, hang: usize, leaving: usize) {
        self.stem.clear();
        let mut s = hang;
        self.stem.push(s);
        while s != leaving {
            s = self.parent[s];
            self.stem.push(s);
        }

        // a subtree ends before the first node, in thread order, that is not deeper than
        // its top; each stem subtree contains the previous one, so the walk resumes
        self.stem_last.clear();
        let mut last = hang;
        for &s in &self.stem {
            while self.depth[self.thread[last]] > self.depth[s] {
                last = self.thread[last];
            }
            self.stem_last.push(last);
        }
    }

    /// Cuts the stem's subtree out of the thread and splices it back, in its new preorder,
    /// right after `new_parent`; updates depths and shifts potentials by `shift`.
    ///
    /// With stem s₀ (the new top) … s_k (cut off), the new preorder is the subtree of s₀,
    /// then for each t ≥ 1 the subtree of s_t without that of s_{t−1}: two runs of the old
    /// thread, before and after the run of s_{t−1}.
    fn rethread(&mut self, new_parent: usize, shift: f64) {
        let k = self.stem.len() - 1;
        let top_depth = self.depth[new_parent] + 1;
        let mut runs: Vec<(usize, usize, usize)> = Vec::with_capacity(2 * k + 1);
        runs.push((self.stem[0], self.stem_last[0], 0));
        for t in 1..=k {
            let before = self.rev_thread[self.stem[t - 1]];
            runs.push((self.stem[t], before, t));
            if self.stem_last[t] != self.stem_last[t - 1] {
                runs.push((self.thread[self.stem_last[t - 1]], self.stem_last[t], t));
            }
        }

        // new depth of a node in the run of s_t: its depth below s_t, plus s_t's new depth
        let old_depths: Vec<usize> = self.stem.iter().map(|&s| self.depth[s]).collect();

        // unlink the whole old subtree of s_k
        let first = self.stem[k];
        let last = self.stem_last[k];
        let (before, after) = (self.rev_thread[first], self.thread[last]);
        self.thread[before] = after;
        self.rev_thread[after] = before;

        // link the runs in their new order after the new parent
        let resume = self.thread[new_parent];
        let mut previous = new_parent;
        for &(start, end, t) in &runs {
            self.thread[previous] = start;
            self.rev_thread[start] = previous;
            let mut v = start;
            loop {
                self.depth[v] = self.depth[v] + top_depth + t - old_depths[t];
                self.potential[v] += shift;
                if v == end {
                    break;
                }
                v = self.thread[v];
            }
            previous = end;
        }
        self.thread[previous] = resume;
        self.rev_thread[resume] = previous;
    }

    /// Reverses the parent pointers along the stem and hangs its top from `new_parent`
    /// by the entering arc, carrying `delta` units.
    fn reverse_stem(&mut self, arc: Arc, new_parent: usize, on_tail_side: bool, delta: i64) {
        for t in (1..self.stem.len()).rev() {
            let (child, above) = (self.stem[t - 1], self.stem[t]);
            self.parent[above] = child;
            self.pred_arc[above] = self.pred_arc[child];
            self.upward[above] = !self.upward[child];
            self.flow[above] = self.flow[child];
        }
        let top = self.stem[0];
        self.parent[top] = new_parent;
        self.pred_arc[top] = arc.id;
        self.upward[top] = on_tail_side;
        self.flow[top] = delta;
    }

    /// Checks the structure (thread is a preorder, depths, flows ≥ 0), for debug builds.
    pub fn is_consistent(&self) -> bool {
        let n = self.parent.len();
        let mut seen = 0;
        let mut v = self.thread[self.root];
        while v != self.root && seen <= n {
            let up = self.parent[v];
            let strongly_feasible = self.flow[v] > 0 || (self.flow[v] == 0 && self.upward[v]);
            if up == NONE || self.depth[v] != self.depth[up] + 1 || !strongly_feasible {
                return false;
            }
            if self.rev_thread[self.thread[v]] != v {
                return false;
            }
            seen += 1;
            v = self.thread[v];
        }
        seen + 1 == n
    }
}
