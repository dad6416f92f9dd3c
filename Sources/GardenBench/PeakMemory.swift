import Foundation

/// The process's peak resident set size so far (`getrusage` `ru_maxrss`, which Linux reports
/// in kibibytes), in mebibytes: the same figure the tf_keras peers report for themselves.
enum PeakMemory {
    static var mebibytes: Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
