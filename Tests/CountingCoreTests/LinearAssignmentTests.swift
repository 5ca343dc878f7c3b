import CountingCore
import Testing

struct LinearAssignmentTests {
    func solve(_ costs: [[Double]], limit: Double) -> [Int] {
        var solver = LinearAssignment()
        var result: [Int] = []
        solver.solve(costs: costs.flatMap { $0 }, rows: costs.count, cols: costs.first?.count ?? 0, limit: limit,
                     assignment: &result)
        return result
    }

    /// The best assignment by trying every permutation of columns (small problems only).
    func bruteForce(_ costs: [[Double]], limit: Double) -> Double {
        let rows = costs.count, cols = costs[0].count
        var best = 0.0
        func search(_ row: Int, _ used: Set<Int>, _ total: Double) {
            if row == rows { best = min(best, total); return }
            search(row + 1, used, total)
            for col in 0..<cols where !used.contains(col) && costs[row][col] < limit {
                search(row + 1, used.union([col]), total + costs[row][col] - limit)
            }
        }
        search(0, [], 0)
        return best
    }

    @Test func findsTheOptimumNotTheGreedyChoice() {
        // Greedy takes (0,0) = 0.1 and leaves (1,1) = 0.9; the optimum is the anti-diagonal.
        #expect(solve([[0.1, 0.2], [0.3, 0.9]], limit: 1) == [1, 0])
    }

    @Test func pairsAtOrAboveTheLimitStayUnmatched() {
        #expect(solve([[0.95, 0.2], [0.99, 0.97]], limit: 0.9) == [1, -1])
        #expect(solve([[0.5]], limit: 0.5) == [-1])
    }

    @Test func rectangularBothWays() {
        #expect(solve([[0.3, 0.1, 0.8]], limit: 1) == [1])
        #expect(solve([[0.3], [0.1], [0.8]], limit: 1) == [-1, 0, -1])
    }

    @Test func matchesBruteForceOnRandomProblems() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let rows = Int.random(in: 1...5, using: &random), cols = Int.random(in: 1...5, using: &random)
            let costs = (0..<rows).map { _ in (0..<cols).map { _ in Double.random(in: 0...1, using: &random) } }
            let limit = Double.random(in: 0.2...1, using: &random)
            let result = solve(costs, limit: limit)
            var total = 0.0
            var seen = Set<Int>()
            for (row, col) in result.enumerated() where col >= 0 {
                #expect(seen.insert(col).inserted)
                #expect(costs[row][col] < limit)
                total += costs[row][col] - limit
            }
            #expect(abs(total - bruteForce(costs, limit: limit)) < 1e-9)
        }
    }
}
