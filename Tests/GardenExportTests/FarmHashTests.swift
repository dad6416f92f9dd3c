import Testing

@testable import GardenExport

@Suite struct FarmHashTests {
    /// `data[i] = (i * 131 + 7) % 256`: one input whose prefixes reach every length branch.
    static let data: [UInt8] = (0..<300).map { UInt8(($0 * 131 + 7) % 256) }

    /// Fingerprint64 of `data[..<n]` as TensorFlow 2.21 computes it: recovered from
    /// `tf.strings.to_hash_bucket_fast` (= Fingerprint64 % buckets) with 2^63-1 and 2^63-2
    /// buckets, combined by the Chinese remainder theorem.
    static let tensorFlowValues: [(Int, UInt64)] = [
        (0, 0x9ae1_6a3b_2f90_404f), (1, 0x5782_1efd_ee1b_7472), (2, 0xb09f_4e41_bd96_64dd),
        (3, 0xbeed_f37b_20ba_be01), (4, 0x78e5_c395_92d6_3067), (7, 0x04dd_5052_20c4_4e7e),
        (8, 0xc19f_34cb_c54f_4865), (15, 0x390a_b3fd_476b_7830), (16, 0x08b4_8f7e_c30e_084e),
        (17, 0xe825_5d05_f537_d5f5), (31, 0x27c2_3ea1_8dbd_dfc4), (32, 0xeff8_e4a5_1615_d6df),
        (33, 0x73dd_d009_8c2d_6111), (63, 0xad80_5636_300d_1112), (64, 0xe216_27d5_817d_4f6f),
        (65, 0x97cc_91b3_a8f4_e680), (127, 0xea9c_203d_31e7_d08b), (128, 0x1c16_4782_a877_93e4),
        (129, 0x986a_5ebc_f9b5_9191), (200, 0x4b80_af13_2620_9a04), (300, 0x85fe_25aa_6a8b_15ff),
    ]

    @Test func fingerprint64MatchesTensorFlowAtEveryLengthBranch() {
        for (n, expected) in Self.tensorFlowValues {
            #expect(FarmHash.fingerprint64(Array(Self.data[..<n])) == expected, "length \(n)")
        }
    }

    @Test func fingerprint64OfAString() {
        #expect(FarmHash.fingerprint64("serving_default") == 0xdb6f_4286_249c_53ef)
    }

    @Test func fingerprintCat64IsOrderSensitive() {
        let a = FarmHash.fingerprint64("a"), b = FarmHash.fingerprint64("b")
        #expect(FarmHash.fingerprintCat64(a, b) != FarmHash.fingerprintCat64(b, a))
        #expect(FarmHash.fingerprintCat64(a, b) == FarmHash.fingerprintCat64(a, b))
    }
}
