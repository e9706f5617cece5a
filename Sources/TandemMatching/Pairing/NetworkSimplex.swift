import GLPK

/// Minimum-cost circulation by the primal network simplex method, kept warm between objectives.
///
/// Why our own: the pairing core is a network (people → pairs → people), and a network simplex
/// with block pivoting solves it orders of magnitude faster than GLPK's general simplex (minutes
/// against a fraction of a second at 10,000 applicants, docs/method.md). The spanning tree it ends with *is* an optimal basis,
/// so GLPK can be handed that basis and prove the optimum itself (`basis()`).
///
/// The lexicographic stages run on one instance: `setCosts(_:)` and `minimize()` for a stage, then
/// `freezeNonOptimalArcs()` keeps only the flows that are optimal for it (complementary
/// slackness: an arc whose reduced cost is not zero stays at its bound), and the next stage's
/// costs start from the same tree.
///
/// Data layout and tree updates follow LEMON's `NetworkSimplex` (Kovács; thread and
/// successor-count representation, block search pivoting). Every node also has an artificial
/// arc to an extra root node, of cost 0: with zero supplies no flow can ever use one (the root
/// has no outgoing arc), and one in the tree stands for a basic slack in GLPK's model.
struct NetworkSimplex {
    /// Arc flows are bounded by `capacity`; `unbounded` marks an arc without an upper bound.
    static let unbounded = Int.max / 4

    private(set) var nodeCount: Int
    private(set) var arcCount: Int
    var source: [Int32]
    var target: [Int32]
    var capacity: [Int]
    var cost: [Int]
    private(set) var flow: [Int]
    /// 1: at lower bound, -1: at upper bound, 0: in the tree.
    private(set) var state: [Int8]
    /// Frozen arcs keep their flow: no later objective may change it.
    private(set) var frozen: [Bool]

    // Tree (nodes 0..<nodeCount, root = nodeCount).
    private var parent: [Int32]
    private var pred: [Int32]
    private var thread: [Int32]
    private var revThread: [Int32]
    private var succNum: [Int32]
    private var lastSucc: [Int32]
    private var predDir: [Int8] // 1: pred arc points up (node → parent), -1: down
    private(set) var potential: [Int]
    private var dirtyRevs: [Int32] = []
    private(set) var pivots = 0

    /// Arcs (source, target, capacity) with zero flow, or `initialFlow` (each at 0 or at its
    /// capacity, except arcs listed in `treeArcs`, which may be anywhere between; the flow must
    /// be a circulation). Tree arcs are given per node as (node, arc to its parent) — used for the
    /// return arc of a circulation, whose flow lies strictly between its bounds.
    init(nodeCount: Int, arcs: [(source: Int, target: Int, capacity: Int)], initialFlow: [Int]? = nil,
         treeArc: (node: Int, arc: Int, parentNode: Int)? = nil) {
        let n = nodeCount
        let m = arcs.count
        self.nodeCount = n
        self.arcCount = m
        let all = m + n
        source = [Int32](repeating: 0, count: all)
        target = [Int32](repeating: 0, count: all)
        capacity = [Int](repeating: 0, count: all)
        cost = [Int](repeating: 0, count: all)
        flow = initialFlow.map { $0 + [Int](repeating: 0, count: n) } ?? [Int](repeating: 0, count: all)
        state = [Int8](repeating: 1, count: all)
        frozen = [Bool](repeating: false, count: all)
        for (e, arc) in arcs.enumerated() {
            source[e] = Int32(arc.source)
            target[e] = Int32(arc.target)
            capacity[e] = arc.capacity
            if flow[e] > 0 && flow[e] >= arc.capacity { state[e] = -1 }
        }
        let root = n
        parent = [Int32](repeating: -1, count: n + 1)
        pred = [Int32](repeating: -1, count: n + 1)
        thread = [Int32](repeating: 0, count: n + 1)
        revThread = [Int32](repeating: 0, count: n + 1)
        succNum = [Int32](repeating: 1, count: n + 1)
        lastSucc = [Int32](repeating: 0, count: n + 1)
        predDir = [Int8](repeating: 1, count: n + 1)
        potential = [Int](repeating: 0, count: n + 1)
        parent[root] = -1
        pred[root] = -1
        thread[root] = 0
        revThread[0] = Int32(root)
        succNum[root] = Int32(n + 1)
        lastSucc[root] = Int32(root - 1)
        for u in 0..<n {
            let e = m + u
            parent[u] = Int32(root)
            pred[u] = Int32(e)
            thread[u] = Int32(u + 1)
            revThread[u + 1] = Int32(u)
            succNum[u] = 1
            lastSucc[u] = Int32(u)
            predDir[u] = 1
            source[e] = Int32(u)
            target[e] = Int32(root)
            capacity[e] = Self.unbounded
            state[e] = 0
        }
        if let treeArc {
            // Re-hang `node` (a leaf under the root) below `parentNode` through `arc`.
            hangLeaf(treeArc.node, under: treeArc.parentNode, through: treeArc.arc)
        }
    }

    /// Moves leaf `u` (currently a child of the root) under `p` through arc `e` in the tree.
    private mutating func hangLeaf(_ u: Int, under p: Int, through e: Int) {
        precondition(parent[u] == Int32(nodeCount) && succNum[u] == 1)
        let artificial = Int(pred[u])
        state[artificial] = 1
        // Unlink u from the thread.
        let before = Int(revThread[u]), after = Int(thread[u])
        thread[before] = Int32(after)
        revThread[after] = Int32(before)
        // Link it right after p.
        let next = Int(thread[p])
        thread[p] = Int32(u)
        revThread[u] = Int32(p)
        thread[u] = Int32(next)
        revThread[next] = Int32(u)
        parent[u] = Int32(p)
        pred[u] = Int32(e)
        predDir[u] = Int(source[e]) == u ? 1 : -1
        state[e] = 0
        var a = p
        while a != nodeCount { // the root's subtree already counted u
            succNum[a] += 1
            a = Int(parent[a])
        }
        recomputeLastSuccessors()
    }

    private mutating func recomputeLastSuccessors() {
        // Walk the thread backwards: a node's last successor is the node before the thread
        // position where its subtree ends.
        var order: [Int] = []
        order.reserveCapacity(nodeCount + 1)
        var u = nodeCount
        repeat {
            order.append(u)
            u = Int(thread[u])
        } while u != nodeCount
        var position = [Int](repeating: 0, count: nodeCount + 1)
        for (i, v) in order.enumerated() { position[v] = i }
        for v in order { lastSucc[v] = Int32(order[position[v] + Int(succNum[v]) - 1]) }
    }

    /// Sets the costs of the real arcs (artificial arcs cost 0) and recomputes the potentials.
    mutating func setCosts(_ costs: [Int]) {
        precondition(costs.count == arcCount)
        for e in 0..<arcCount { cost[e] = costs[e] }
        for e in arcCount..<(arcCount + nodeCount) { cost[e] = 0 }
        recomputePotentials()
    }

    private mutating func recomputePotentials() {
        let root = nodeCount
        potential[root] = 0
        var u = Int(thread[root])
        while u != root {
            let e = Int(pred[u])
            let p = Int(parent[u])
            // Tree arcs have zero reduced cost: cost + π(source) − π(target) = 0.
            potential[u] = predDir[u] == 1 ? potential[p] - cost[e] : potential[p] + cost[e]
            u = Int(thread[u])
        }
    }

    func reducedCost(_ e: Int) -> Int {
        cost[e] + potential[Int(source[e])] - potential[Int(target[e])]
    }

    enum Outcome { case optimal, unbounded }

    /// Minimises Σ cost·flow from the current tree.
    @discardableResult
    mutating func minimize() -> Outcome {
        let all = arcCount + nodeCount
        let blockSize = max(10, Int(Double(all).squareRoot()))
        var nextArc = 0
        while true {
            let (inArc, next) = enteringArc(from: nextArc, blockSize: blockSize)
            if inArc < 0 { return .optimal }
            nextArc = next
            if !pivot(inArc) { return .unbounded }
            pivots += 1
        }
    }

    /// Block search: scans arcs from `start` in blocks of `blockSize`, and returns the arc with the
    /// most negative reduced cost (signed by its bound) in the first block that has one, and where
    /// the next search starts; -1 when no arc can improve (optimal).
    ///
    /// This loop is most of the solver's time, so it reads the arrays through unsafe pointers
    /// (every index is below `all` by construction) with wrapping arithmetic (costs and potentials
    /// are far below `Int.max`: the folded costs stay under `Int.max / 64`; and GLPK re-checks
    /// every optimum this solver reports).
    private func enteringArc(from start: Int, blockSize: Int) -> (arc: Int, next: Int) {
        let all = arcCount + nodeCount
        return state.withUnsafeBufferPointer { state in
            frozen.withUnsafeBufferPointer { frozen in
                cost.withUnsafeBufferPointer { cost in
                    potential.withUnsafeBufferPointer { potential in
                        source.withUnsafeBufferPointer { source in
                            target.withUnsafeBufferPointer { target in
                                var inArc = -1
                                var best = 0
                                var count = blockSize
                                var e = start
                                var searched = 0
                                while searched < all {
                                    let s = Int(state[e])
                                    if s != 0 && !frozen[e] {
                                        let reduced = cost[e] &+ potential[Int(source[e])] &- potential[Int(target[e])]
                                        let c = s &* reduced
                                        if c < best { best = c; inArc = e }
                                    }
                                    e &+= 1
                                    if e == all { e = 0 }
                                    searched &+= 1
                                    count &-= 1
                                    if count == 0 {
                                        if best < 0 { break }
                                        count = blockSize
                                    }
                                }
                                return (inArc, e)
                            }
                        }
                    }
                }
            }
        }
    }

    /// One pivot on entering arc `inArc`; false when the cycle is unbounded.
    private mutating func pivot(_ inArc: Int) -> Bool {
        // Join node.
        var a = Int(source[inArc]), b = Int(target[inArc])
        while a != b {
            if succNum[a] < succNum[b] { a = Int(parent[a]) } else { b = Int(parent[b]) }
        }
        let join = a
        // Leaving arc.
        let first: Int, second: Int
        if state[inArc] == 1 { first = Int(source[inArc]); second = Int(target[inArc]) }
        else { first = Int(target[inArc]); second = Int(source[inArc]) }
        var delta = capacity[inArc]
        var result = 0
        var uOut = -1
        var u = first
        while u != join {
            let e = Int(pred[u])
            var d = flow[e]
            if predDir[u] == -1 {
                d = capacity[e] >= Self.unbounded ? Self.unbounded : capacity[e] - d
            }
            if d < delta { delta = d; uOut = u; result = 1 }
            u = Int(parent[u])
        }
        u = second
        while u != join {
            let e = Int(pred[u])
            var d = flow[e]
            if predDir[u] == 1 {
                d = capacity[e] >= Self.unbounded ? Self.unbounded : capacity[e] - d
            }
            if d <= delta { delta = d; uOut = u; result = 2 }
            u = Int(parent[u])
        }
        if delta >= Self.unbounded { return false }
        let uIn: Int, vIn: Int
        if result == 1 { uIn = first; vIn = second } else { uIn = second; vIn = first }

        // Change the flow along the cycle.
        if delta > 0 {
            let value = Int(state[inArc]) * delta
            flow[inArc] += value
            u = Int(source[inArc])
            while u != join { flow[Int(pred[u])] -= Int(predDir[u]) * value; u = Int(parent[u]) }
            u = Int(target[inArc])
            while u != join { flow[Int(pred[u])] += Int(predDir[u]) * value; u = Int(parent[u]) }
        }
        if result == 0 {
            // The entering arc itself is the bottleneck: it moves to its other bound.
            state[inArc] = -state[inArc]
            return true
        }
        state[inArc] = 0
        let leaving = Int(pred[uOut])
        state[leaving] = flow[leaving] == 0 ? 1 : -1
        updateTree(inArc: inArc, uIn: uIn, vIn: vIn, uOut: uOut, join: join)
        // Potentials of the moved subtree.
        let sigma = potential[vIn] - potential[uIn] - Int(predDir[uIn]) * cost[inArc]
        let end = Int(thread[Int(lastSucc[uIn])])
        thread.withUnsafeBufferPointer { thread in
            potential.withUnsafeMutableBufferPointer { potential in
                var u = uIn
                while u != end { potential[u] &+= sigma; u = Int(thread[u]) }
            }
        }
        return true
    }

    private mutating func updateTree(inArc: Int, uIn: Int, vIn: Int, uOut: Int, join: Int) {
        let oldRevThread = Int(revThread[uOut])
        let oldSuccNum = Int(succNum[uOut])
        let oldLastSucc = Int(lastSucc[uOut])
        let vOut = Int(parent[uOut])

        if uIn == uOut {
            parent[uIn] = Int32(vIn)
            pred[uIn] = Int32(inArc)
            predDir[uIn] = uIn == Int(source[inArc]) ? 1 : -1
            if Int(thread[vIn]) != uOut {
                var after = Int(thread[oldLastSucc])
                thread[oldRevThread] = Int32(after)
                revThread[after] = Int32(oldRevThread)
                after = Int(thread[vIn])
                thread[vIn] = Int32(uOut)
                revThread[uOut] = Int32(vIn)
                thread[oldLastSucc] = Int32(after)
                revThread[after] = Int32(oldLastSucc)
            }
        } else {
            reverseStem(inArc: inArc, uIn: uIn, vIn: vIn, uOut: uOut, oldRevThread: oldRevThread, oldSuccNum: oldSuccNum,
                        oldLastSucc: oldLastSucc)
        }
        updateSuccessors(uOut: uOut, vIn: vIn, vOut: vOut, join: join, oldRevThread: oldRevThread, oldSuccNum: oldSuccNum,
                         oldLastSucc: oldLastSucc)
    }

    /// The subtree under the leaving arc hangs from `vIn` now: the path from `uIn` up to `uOut` (the
    /// stem) is reversed, with the thread, parents, predecessor arcs and subtree sizes along it.
    private mutating func reverseStem(inArc: Int, uIn: Int, vIn: Int, uOut: Int, oldRevThread: Int, oldSuccNum: Int,
                                      oldLastSucc: Int) {
        let threadContinue = oldRevThread == vIn ? Int(thread[oldLastSucc]) : Int(thread[vIn])
        var stem = uIn
        var parStem = vIn
        var last = Int(lastSucc[uIn])
        var after = Int(thread[last])
        thread[vIn] = Int32(uIn)
        dirtyRevs.removeAll(keepingCapacity: true)
        dirtyRevs.append(Int32(vIn))
        while stem != uOut {
            let nextStem = Int(parent[stem])
            thread[last] = Int32(nextStem)
            dirtyRevs.append(Int32(last))
            let before = Int(revThread[stem])
            thread[before] = Int32(after)
            revThread[after] = Int32(before)
            parent[stem] = Int32(parStem)
            parStem = stem
            stem = nextStem
            last = lastSucc[stem] == lastSucc[parStem] ? Int(revThread[parStem]) : Int(lastSucc[stem])
            after = Int(thread[last])
        }
        parent[uOut] = Int32(parStem)
        thread[last] = Int32(threadContinue)
        revThread[threadContinue] = Int32(last)
        lastSucc[uOut] = Int32(last)
        if oldRevThread != vIn {
            thread[oldRevThread] = Int32(after)
            revThread[after] = Int32(oldRevThread)
        }
        for u in dirtyRevs { revThread[Int(thread[Int(u)])] = u }
        var tmpSc = 0
        let tmpLs = Int(lastSucc[uOut])
        var u = uOut
        var p = Int(parent[u])
        while u != uIn {
            pred[u] = pred[p]
            predDir[u] = -predDir[p]
            tmpSc += Int(succNum[u]) - Int(succNum[p])
            succNum[u] = Int32(tmpSc)
            lastSucc[p] = Int32(tmpLs)
            u = p
            p = Int(parent[u])
        }
        pred[uIn] = Int32(inArc)
        predDir[uIn] = uIn == Int(source[inArc]) ? 1 : -1
        succNum[uIn] = Int32(oldSuccNum)
    }

    /// The last successors and subtree sizes on the paths from `vIn` and from the leaving arc's old
    /// parent `vOut` up to the join: the moved subtree's size added to one, taken from the other.
    private mutating func updateSuccessors(uOut: Int, vIn: Int, vOut: Int, join: Int, oldRevThread: Int, oldSuccNum: Int,
                                           oldLastSucc: Int) {
        let upLimitOut = Int(lastSucc[join]) == vIn ? join : -1
        let lastSuccOut = Int(lastSucc[uOut])
        var u = vIn
        while u != -1 && Int(lastSucc[u]) == vIn {
            lastSucc[u] = Int32(lastSuccOut)
            u = Int(parent[u])
        }
        if join != oldRevThread && vIn != oldRevThread {
            u = vOut
            while u != upLimitOut && Int(lastSucc[u]) == oldLastSucc {
                lastSucc[u] = Int32(oldRevThread)
                u = Int(parent[u])
            }
        } else if lastSuccOut != oldLastSucc {
            u = vOut
            while u != upLimitOut && Int(lastSucc[u]) == oldLastSucc {
                lastSucc[u] = Int32(lastSuccOut)
                u = Int(parent[u])
            }
        }
        u = vIn
        while u != join { succNum[u] += Int32(oldSuccNum); u = Int(parent[u]) }
        u = vOut
        while u != join { succNum[u] -= Int32(oldSuccNum); u = Int(parent[u]) }
    }

    /// After an optimal `minimize()`: fixes every arc whose reduced cost is not zero at its
    /// bound, so that later objectives choose only among flows optimal for this one.
    mutating func freezeNonOptimalArcs() {
        for e in 0..<(arcCount + nodeCount) where state[e] != 0 && !frozen[e] && reducedCost(e) != 0 {
            frozen[e] = true
        }
    }

    /// Fixes arc `e` (not in the tree) at its current flow.
    mutating func freeze(_ e: Int) {
        precondition(state[e] != 0)
        frozen[e] = true
    }

    /// Takes arc `e`, which carries no flow, out of use: frozen when it is at its bound, its capacity
    /// set to zero when it is in the tree (where it stays, degenerate; the tree stays valid).
    mutating func close(_ e: Int) {
        precondition(flow[e] == 0)
        if state[e] != 0 { frozen[e] = true } else { capacity[e] = 0 }
    }

    /// Lets a frozen arc with zero flow change again (its bound is its current state).
    mutating func unfreeze(_ e: Int) {
        precondition(state[e] == 1 && flow[e] == 0)
        frozen[e] = false
    }

    /// Σ cost·flow over the real arcs.
    var totalCost: Int {
        var total = 0
        for e in 0..<arcCount { total += cost[e] * flow[e] }
        return total
    }

    /// GLPK's basis for the LP whose rows are the nodes (flow conservation, = 0) and whose columns
    /// are the real arcs: tree arcs are basic, an artificial arc in the tree makes its node's row
    /// basic, and frozen arcs are fixed.
    func basis() -> StartingBasis {
        var rows = [StartingBasis.Status](repeating: .fixed, count: nodeCount)
        var arcs = [StartingBasis.Status](repeating: .lower, count: arcCount)
        for e in 0..<arcCount {
            switch state[e] {
            case 0: arcs[e] = .basic
            case -1: arcs[e] = frozen[e] ? .fixed : .upper
            default: arcs[e] = frozen[e] ? .fixed : .lower
            }
        }
        for u in 0..<nodeCount where Int(pred[u]) >= arcCount { rows[u] = .basic }
        return StartingBasis(rows: rows, columns: arcs)
    }

    /// Checks the tree's internal consistency (tests only): thread is a preorder of the parent
    /// tree, successor counts and last successors agree, and tree arcs have zero reduced cost.
    func treeIsConsistent() -> Bool {
        let root = nodeCount
        var visited = 0
        var u = root
        var order: [Int] = []
        repeat {
            order.append(u)
            visited += 1
            if visited > nodeCount + 1 { return false }
            u = Int(thread[u])
        } while u != root
        guard visited == nodeCount + 1 else { return false }
        var position = [Int](repeating: 0, count: nodeCount + 1)
        for (i, v) in order.enumerated() { position[v] = i }
        for v in order {
            if revThread[Int(thread[v])] != Int32(v) { return false }
            let size = Int(succNum[v])
            guard position[v] + size - 1 < order.count else { return false }
            if Int(lastSucc[v]) != order[position[v] + size - 1] { return false }
            if v != root {
                let p = Int(parent[v])
                if position[p] >= position[v] { return false }
                if position[v] + size > position[p] + Int(succNum[p]) { return false }
                let e = Int(pred[v])
                if state[e] != 0 { return false }
                let (s, t) = (Int(source[e]), Int(target[e]))
                if !((s == v && t == p && predDir[v] == 1) || (s == p && t == v && predDir[v] == -1)) { return false }
                if reducedCost(e) != 0 { return false }
            }
        }
        return true
    }
}
