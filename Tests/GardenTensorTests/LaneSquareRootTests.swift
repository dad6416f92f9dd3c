import GardenTensor
import Testing

@Suite struct LaneSquareRootTests {
    @Test func everyLaneIsTheScalarRootBitForBit() {
        let values: [Float] = [
            0, -0, 1, 2, 0.5, .leastNonzeroMagnitude, .leastNormalMagnitude,
            .greatestFiniteMagnitude,
            .infinity, -1, -.infinity, .nan, 1e-30, 3.0e7, 0.1, 123.456,
        ]
        for start in stride(from: 0, to: values.count, by: 8) {
            let lanes = SIMD8<Float>(values[start..<start + 8])
            let roots = lanes.laneSquareRoot()
            for i in 0..<8 {
                let expected = values[start + i].squareRoot()
                #expect(
                    roots[i].bitPattern == expected.bitPattern
                        || (roots[i].isNaN && expected.isNaN),
                    "lane \(i) of \(lanes)")
            }
        }
    }
}
