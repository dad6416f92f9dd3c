import Foundation

#if canImport(_FoundationICU)
    import _FoundationICU
#else
    #error("GardenTrain needs ICU's normalizers: the Swift toolchain's _FoundationICU (Linux)")
#endif

/// ICU's Unicode normalizers, the ones tensorflow_text's BERT tokenizer runs: `case_fold_utf8`
/// is ICU's `NFKC_Casefold` (NFKC, full case folding, default-ignorable code points removed) and
/// `normalize_utf8(..., "NFD")` ICU's NFD.
///
/// Why ICU and not Foundation: Foundation's `precomposedStringWithCompatibilityMapping` and
/// `folding(options:)` on Linux use older tables and fold neither `ß` nor full-width forms as
/// ICU does. Why the toolchain's ICU (76, Unicode 16.0) and not Debian's libicu (72, Unicode
/// 15.0): tensorflow_text 2.21 bundles ICU 77, also Unicode 16.0, so the same characters map.
/// The toolchain's ICU prefixes its C entry points with `swift_` (urename.h macros, which Swift
/// does not import), hence the names below; Package.swift links `_FoundationICU` on Linux.
enum ICUNormalizer {
    /// NFKC_Casefold: `case_fold_utf8`.
    case nfkcCasefold
    /// Canonical decomposition: `normalize_utf8(text, "NFD")`.
    case nfd

    /// `text` normalized.
    func normalize(_ text: String) -> String {
        if text.isEmpty { return text }
        let source = Array(text.utf16)
        var capacity = source.count * 3 + 16
        while true {
            var status = U_ZERO_ERROR
            let normalizer = instance(&status)
            var output = [UInt16](repeating: 0, count: capacity)
            let length = swift_unorm2_normalize(
                normalizer, source, Int32(source.count), &output, Int32(capacity), &status)
            if status == U_BUFFER_OVERFLOW_ERROR, Int(length) > capacity {
                capacity = Int(length)
                continue
            }
            // Valid UTF-16 (all a Swift String holds) and ICU's built-in data cannot fail but
            // for memory; a failure here is a broken toolchain, not bad input.
            precondition(
                status.rawValue <= U_ZERO_ERROR.rawValue,
                "ICU \(self) normalization failed with error \(status.rawValue)")
            return String(decoding: output[..<Int(length)], as: UTF16.self)
        }
    }

    private func instance(_ status: inout UErrorCode) -> OpaquePointer? {
        switch self {
        case .nfkcCasefold: return swift_unorm2_getNFKCCasefoldInstance(&status)
        case .nfd: return swift_unorm2_getNFDInstance(&status)
        }
    }
}
