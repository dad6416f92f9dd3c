import GardenTensor
import Testing

/// One line of Random123's `kat_vectors` for philox4x32 with 10 rounds: counter words c0..c3,
/// key words k0, k1, and the expected output words.
struct PhiloxKnownAnswer: Sendable, CustomTestStringConvertible {
    var counter: (UInt32, UInt32, UInt32, UInt32)
    var key: (UInt32, UInt32)
    var expected: [UInt32]
    var testDescription: String {
        "counter \(hex(counter.0)) \(hex(counter.1)) \(hex(counter.2)) \(hex(counter.3)) "
            + "key \(hex(key.0)) \(hex(key.1))"
    }
}

func hex(_ x: UInt32) -> String {
    let s = String(x, radix: 16)
    return String(repeating: "0", count: 8 - s.count) + s
}

@Suite("Philox4x32-10")
struct PhiloxTests {
    static let knownAnswers = [
        PhiloxKnownAnswer(
            counter: (0, 0, 0, 0), key: (0, 0),
            expected: [0x6627_E8D5, 0xE169_C58D, 0xBC57_AC4C, 0x9B00_DBD8]),
        PhiloxKnownAnswer(
            counter: (.max, .max, .max, .max), key: (.max, .max),
            expected: [0x408F_276D, 0x41C8_3B0E, 0xA20B_C7C6, 0x6D54_51FD]),
        PhiloxKnownAnswer(
            counter: (0x243F_6A88, 0x85A3_08D3, 0x1319_8A2E, 0x0370_7344),
            key: (0xA409_3822, 0x299F_31D0),
            expected: [0xD16C_FE09, 0x94FD_CCEB, 0x5001_E420, 0x2412_6EA1]),
    ]

    @Test("block matches the Random123 known-answer vectors", arguments: knownAnswers)
    func blockMatchesKnownAnswers(_ kat: PhiloxKnownAnswer) {
        // `block` takes the 128-bit counter as two UInt64, low words first.
        let low = UInt64(kat.counter.0) | UInt64(kat.counter.1) << 32
        let high = UInt64(kat.counter.2) | UInt64(kat.counter.3) << 32
        let out = Philox(key: kat.key).block(low, high)
        #expect([out.0, out.1, out.2, out.3].map(hex) == kat.expected.map(hex))
    }

    /// Counters whose low word carries into the high one inside the eight, and a key of ones.
    @Test(arguments: [UInt64(0), 0xFFFF_FFFD, 0x1234_5678_9ABC_DEF0])
    func blocks8LaneJIsTheBlockOfCounterFirstPlusJ(_ first: UInt64) {
        for g in [Philox(seed: 42, stream: 7), Philox(key: (.max, .max))] {
            let (w0, w1, w2, w3) = g.blocks8(first)
            for j in 0..<8 {
                let one = g.block(first &+ UInt64(j))
                #expect([w0[j], w1[j], w2[j], w3[j]] == [one.0, one.1, one.2, one.3])
            }
        }
    }

    @Test func uniformUsesTheTop24BitsOfEachWordInCounterOrder() {
        let g = Philox(key: (0, 0))
        let (a, b, c, d) = g.block(1)
        let expected = [a, b, c, d].map { Float($0 >> 8) / 16_777_216 }
        // Offset 1 starts at counter 1; a count of 6 takes a partial second block.
        let u = g.uniform(count: 6, offset: 1)
        #expect(Array(u.prefix(4)) == expected)
        #expect(u[4] == Float(g.block(2).0 >> 8) / 16_777_216)
    }

    @Test func uniformStaysInTheHalfOpenUnitInterval() {
        let u = Philox(seed: 1, stream: 2).uniform(count: 10_000)
        #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
        let mean = u.reduce(0.0) { $0 + Double($1) } / Double(u.count)
        // The standard error of the mean of 10k uniforms is about 0.003.
        #expect(Swift.abs(mean - 0.5) < 0.015)
    }

    @Test func sameSeedAndStreamGiveTheSameNumbers() {
        #expect(
            Philox(seed: 7, stream: 3).uniform(count: 64)
                == Philox(seed: 7, stream: 3).uniform(count: 64))
    }

    @Test func otherStreamsAndSeedsGiveOtherNumbers() {
        let base = Philox(seed: 7, stream: 3).uniform(count: 64)
        #expect(Philox(seed: 7, stream: 4).uniform(count: 64) != base)
        #expect(Philox(seed: 8, stream: 3).uniform(count: 64) != base)
    }

    @Test func normalHasZeroMeanAndUnitVariance() {
        let z = Philox(seed: 3, stream: 9).normal(count: 10_001)
        #expect(z.count == 10_001)
        let mean = z.reduce(0.0) { $0 + Double($1) } / Double(z.count)
        let variance =
            z.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) }
            / Double(z.count)
        #expect(Swift.abs(mean) < 0.05)
        #expect(Swift.abs(variance - 1) < 0.05)
    }

    @Test func stableHashIsFNV1a() {
        // Published FNV-1a 64-bit values.
        #expect(stableHash("") == 0xCBF2_9CE4_8422_2325)
        #expect(stableHash("a") == 0xAF63_DC4C_8601_EC8C)
    }
}
