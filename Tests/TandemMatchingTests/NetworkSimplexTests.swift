import GLPK
import TandemTestSupport
import Testing
@testable import TandemMatching

/// The network simplex against GLPK's general simplex on random transportation networks, and
/// its final tree as a starting basis that GLPK accepts as optimal.
@Suite struct NetworkSimplexTests {
    struct Instance {
        var nodes: Int
        var arcs: [(source: Int, target: Int, capacity: Int)]
        var costs: [[Int]] // one cost vector per lexicographic stage
    }

    /// source 0, sink 1, juniors, seniors with a few places; return arc sink → source.
    static func instance(seed: UInt64, juniors: Int, seniors: Int, density: Double, stages: Int) -> Instance {
        var rng = SeededGenerator(seed: seed)
        var arcs: [(Int, Int, Int)] = [(1, 0, NetworkSimplex.unbounded)]
        let j0 = 2, s0 = 2 + juniors
        for j in 0..<juniors { arcs.append((0, j0 + j, 1)) }
        for j in 0..<juniors {
            for s in 0..<seniors where Double.random(in: 0..<1, using: &rng) < density {
                arcs.append((j0 + j, s0 + s, 1))
            }
        }
        for s in 0..<seniors {
            let places = Int.random(in: 1...3, using: &rng)
            for _ in 0..<places { arcs.append((s0 + s, 1, 1)) }
        }
        let costs = (0..<stages).map { stage -> [Int] in
            arcs.indices.map { e in
                e == 0 ? 0 : (stage == 0 ? -Int.random(in: 0...1, using: &rng) : -Int.random(in: 0...50, using: &rng))
            }
        }
        return Instance(nodes: 2 + juniors + seniors, arcs: arcs.map { (source: $0.0, target: $0.1, capacity: $0.2) }, costs: costs)
    }

    /// Flow conservation (out − in = 0) at the nodes; `everyNode` keeps arc-less nodes too, so
    /// that the rows match the network simplex's basis one for one.
    static func addConservation(_ model: inout Model, _ x: [Model.Variable], _ instance: Instance, everyNode: Bool) {
        var terms = [[(Model.Variable, Double)]](repeating: [], count: instance.nodes)
        for (e, arc) in instance.arcs.enumerated() {
            terms[arc.source].append((x[e], 1))
            terms[arc.target].append((x[e], -1))
        }
        for u in 0..<instance.nodes where everyNode || !terms[u].isEmpty { model.addConstraint("n", terms[u], lower: 0, upper: 0) }
    }

    /// GLPK's optimum of stage `k` with every earlier stage kept at its optimum.
    static func glpkOptima(_ instance: Instance) throws -> [Double] {
        var optima: [Double] = []
        for (k, costs) in instance.costs.enumerated() {
            var model = Model(name: "check", sense: .minimize)
            let x = instance.arcs.map { arc in
                model.addVariable("a", kind: .continuous, lower: 0,
                                  upper: arc.capacity >= NetworkSimplex.unbounded ? nil : Double(arc.capacity))
            }
            Self.addConservation(&model, x, instance, everyNode: false)
            for earlier in 0..<k {
                model.addConstraint("keep", instance.costs[earlier].enumerated().map { (x[$0.offset], Double($0.element)) },
                                    upper: optima[earlier] + 1e-6)
            }
            for (e, c) in costs.enumerated() { model.setObjective(x[e], Double(c)) }
            let solution = try Solver.solve(model)
            #expect(solution.status == .optimal)
            optima.append((solution.objective ?? .nan).rounded())
        }
        return optima
    }

    @Test(arguments: 0..<40) func matchesGLPKStageByStage(seed: Int) throws {
        let instance = Self.instance(seed: UInt64(seed), juniors: 5 + seed % 25, seniors: 3 + seed % 13,
                                     density: 0.15 + Double(seed % 5) * 0.1, stages: 3)
        var simplex = NetworkSimplex(nodeCount: instance.nodes, arcs: instance.arcs)
        var ours: [Double] = []
        for costs in instance.costs {
            simplex.setCosts(costs)
            #expect(simplex.minimize() == .optimal)
            #expect(simplex.treeIsConsistent())
            ours.append(Double(simplex.totalCost))
            simplex.freezeNonOptimalArcs()
        }
        #expect(ours == (try Self.glpkOptima(instance)))
        // Flow conservation and bounds.
        var balance = [Int](repeating: 0, count: instance.nodes)
        for (e, arc) in instance.arcs.enumerated() {
            #expect(simplex.flow[e] >= 0 && simplex.flow[e] <= arc.capacity)
            balance[arc.source] += simplex.flow[e]
            balance[arc.target] -= simplex.flow[e]
        }
        #expect(balance.allSatisfy { $0 == 0 })
    }

    /// The final tree, handed to GLPK as a basis for the last stage's LP, is accepted as optimal
    /// with the same objective.
    @Test(arguments: 0..<15) func treeIsAnOptimalBasisForGLPK(seed: Int) throws {
        let instance = Self.instance(seed: UInt64(100 + seed), juniors: 10 + seed * 3, seniors: 5 + seed,
                                     density: 0.3, stages: 2)
        var simplex = NetworkSimplex(nodeCount: instance.nodes, arcs: instance.arcs)
        for (k, costs) in instance.costs.enumerated() {
            simplex.setCosts(costs)
            simplex.minimize()
            if k < instance.costs.count - 1 { simplex.freezeNonOptimalArcs() }
        }
        let basis = simplex.basis()
        var model = Model(name: "check", sense: .minimize)
        let x = instance.arcs.enumerated().map { e, arc -> Model.Variable in
            let fixed = basis.columns[e] == .fixed
            return model.addVariable("a", kind: .continuous, lower: fixed ? Double(simplex.flow[e]) : 0,
                                     upper: fixed ? Double(simplex.flow[e]) : (arc.capacity >= NetworkSimplex.unbounded ? nil : Double(arc.capacity)),
                                     objective: Double(instance.costs.last![e]))
        }
        Self.addConservation(&model, x, instance, everyNode: true)
        let solution = try Solver.solve(model, options: SolveOptions(startingBasis: basis))
        #expect(solution.status == .optimal)
        #expect(solution.objective.map { $0.rounded() } == Double(simplex.totalCost))
        #expect(solution.log.isEmpty || !solution.log.contains("error"))
    }
}

extension NetworkSimplexTests {
    /// Starting from a flow already in place (forced pairs), with the return arc in the tree.
    @Test(arguments: 0..<20) func startsFromAGivenCirculation(seed: Int) throws {
        let instance = Self.instance(seed: UInt64(500 + seed), juniors: 8 + seed, seniors: 4 + seed / 2, density: 0.4, stages: 2)
        // Force the first pair arc of each of the first two juniors that have one, at distinct seniors' first places.
        var flow = [Int](repeating: 0, count: instance.arcs.count)
        var usedJuniors = Set<Int>(), usedSeniors = Set<Int>()
        var forced: [Int] = []
        for (e, arc) in instance.arcs.enumerated() where arc.source >= 2 && arc.target >= 2 && forced.count < 2 {
            guard !usedJuniors.contains(arc.source), !usedSeniors.contains(arc.target) else { continue }
            guard let place = instance.arcs.firstIndex(where: { $0.source == arc.target && $0.target == 1 }),
                  let entry = instance.arcs.firstIndex(where: { $0.source == 0 && $0.target == arc.source }) else { continue }
            usedJuniors.insert(arc.source); usedSeniors.insert(arc.target)
            flow[e] = 1; flow[place] = 1; flow[entry] = 1; flow[0] += 1
            forced.append(e)
        }
        var simplex = NetworkSimplex(nodeCount: instance.nodes, arcs: instance.arcs, initialFlow: flow,
                                     treeArc: flow[0] > 0 ? (node: 1, arc: 0, parentNode: 0) : nil)
        #expect(simplex.treeIsConsistent())
        for e in forced { simplex.freeze(e) }
        for costs in instance.costs {
            simplex.setCosts(costs)
            simplex.minimize()
            #expect(simplex.treeIsConsistent())
            simplex.freezeNonOptimalArcs()
        }
        for e in forced { #expect(simplex.flow[e] == 1) }
        // Against GLPK with the same arcs forced.
        var model = Model(name: "check", sense: .minimize)
        let x = instance.arcs.enumerated().map { e, arc in
            model.addVariable("a", lower: forced.contains(e) ? 1 : 0,
                              upper: arc.capacity >= NetworkSimplex.unbounded ? nil : Double(arc.capacity))
        }
        Self.addConservation(&model, x, instance, everyNode: false)
        for (e, c) in instance.costs[0].enumerated() { model.setObjective(x[e], Double(c)) }
        let first = try Solver.solve(model)
        var ourFirst = 0
        for (e, c) in instance.costs[0].enumerated() { ourFirst += c * simplex.flow[e] }
        #expect(first.objective.map { $0.rounded() } == Double(ourFirst))
    }
}
