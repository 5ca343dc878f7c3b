/// Optimal assignment between rows and columns of a cost matrix, with a cost limit: a pair is
/// matched only if that lowers the total, where leaving a row and a column unmatched costs
/// `limit` (the formulation of LAPJV's `cost_limit`). Solved exactly with the shortest
/// augmenting path (Hungarian) method on an n × (m + n) matrix of `cost − limit` and zero-cost
/// dummy columns.
///
/// Scratch memory is kept between calls, so solving does not allocate once it has grown to
/// the largest problem seen.
public struct LinearAssignment: Sendable {
    private var u: [Double] = []
    private var v: [Double] = []
    private var p: [Int] = []
    private var way: [Int] = []
    private var minv: [Double] = []
    private var used: [Bool] = []
    private var work: [Double] = []

    public init() {}

    /// Solves for a `rows` × `cols` matrix in row-major `costs`; writes, for each row, the
    /// matched column or −1 into `assignment` (resized to `rows`).
    public mutating func solve(costs: [Double], rows: Int, cols: Int, limit: Double, assignment: inout [Int]) {
        precondition(costs.count >= rows * cols, "costs must hold rows × cols values")
        if assignment.count != rows { assignment = Array(repeating: -1, count: rows) }
        for i in 0..<rows { assignment[i] = -1 }
        guard rows > 0, cols > 0 else { return }

        // Columns 0..<cols are real, cols..<cols+rows are "leave this row unmatched" (cost 0).
        // A real pair costs `cost − limit` when below the limit; otherwise it can never win.
        let n = rows
        let m = cols + rows
        grow(n: n, m: m)
        for i in 0..<n {
            for j in 0..<m {
                let value: Double
                if j < cols {
                    let c = costs[i * cols + j]
                    value = c < limit ? c - limit : 1
                } else {
                    value = 0
                }
                work[i * m + j] = value
            }
        }
        hungarian(n: n, m: m)
        for j in 1...m where p[j] != 0 {
            let row = p[j] - 1
            let col = j - 1
            if col < cols && costs[row * cols + col] < limit { assignment[row] = col }
        }
    }

    private mutating func grow(n: Int, m: Int) {
        if work.count < n * m { work = Array(repeating: 0, count: n * m) }
        if u.count < n + 1 { u = Array(repeating: 0, count: n + 1) }
        if v.count < m + 1 {
            v = Array(repeating: 0, count: m + 1)
            p = Array(repeating: 0, count: m + 1)
            way = Array(repeating: 0, count: m + 1)
            minv = Array(repeating: 0, count: m + 1)
            used = Array(repeating: false, count: m + 1)
        }
    }

    /// Classic O(n²m) potentials method, 1-based, for n ≤ m; fills `p[j]` = row of column j.
    private mutating func hungarian(n: Int, m: Int) {
        for i in 0...n { u[i] = 0 }
        for j in 0...m {
            v[j] = 0
            p[j] = 0
            way[j] = 0
        }
        for i in 1...n {
            p[0] = i
            var j0 = 0
            for j in 0...m {
                minv[j] = .infinity
                used[j] = false
            }
            repeat {
                used[j0] = true
                let i0 = p[j0]
                var delta = Double.infinity
                var j1 = 0
                let rowBase = (i0 - 1) * m
                for j in 1...m where !used[j] {
                    let current = work[rowBase + j - 1] - u[i0] - v[j]
                    if current < minv[j] {
                        minv[j] = current
                        way[j] = j0
                    }
                    if minv[j] < delta {
                        delta = minv[j]
                        j1 = j
                    }
                }
                for j in 0...m {
                    if used[j] {
                        u[p[j]] += delta
                        v[j] -= delta
                    } else {
                        minv[j] -= delta
                    }
                }
                j0 = j1
            } while p[j0] != 0
            repeat {
                let j1 = way[j0]
                p[j0] = p[j1]
                j0 = j1
            } while j0 != 0
        }
    }
}
