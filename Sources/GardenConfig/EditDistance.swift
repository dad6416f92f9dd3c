import Foundation

/// Suggestions for misspelled keys and choices ("did you mean ...?").
public enum EditDistance {
    /// The optimal-string-alignment distance: Levenshtein's insertions, deletions and
    /// substitutions, plus swaps of adjacent characters, the commonest typo (`mpl` for `mlp`).
    public static func between(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }

    /// The candidate closest to `word`, if it is close enough to be a plausible typo.
    ///
    /// The limit grows with the candidate's length (a third of it, at least 2), so `stepz`
    /// suggests `steps` but `foo` suggests nothing. Ties go to the alphabetically first.
    public static func nearest(to word: String, in candidates: [String]) -> String? {
        var best: (candidate: String, distance: Int)?
        for candidate in candidates.sorted() {
            let limit = max(2, candidate.count / 3)
            // The distance is at least the length difference: skip before the O(n*m) table,
            // so a megabyte-long key costs nothing.
            guard abs(word.count - candidate.count) <= limit else { continue }
            let distance = between(word, candidate)
            guard distance <= limit else { continue }
            if best == nil || distance < best?.distance ?? Int.max {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }
}
