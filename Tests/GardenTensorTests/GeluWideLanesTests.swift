import CVectorMath
import Foundation
import Testing

@testable import GardenTensor

/// `CVectorMath`'s GELU in 8 or 16 lanes against the Swift SIMD4 lanes it replaces on AVX2 and
/// AVX-512 hosts: every element must have the same bits, for every tail length and for the
/// values where the approximations switch branches.
@Suite struct GeluWideLanesTests {
    /// Ordinary values, both clamps of erf (±3.9, ±4) and of exp (-87.34), zeros, subnormals,
    /// infinities and NaN, then a seeded spread.
    static func inputs(count: Int) -> [Float] {
        let special: [Float] = [
            0, -0, 1, -1, 0.5, -0.5, 3.9, -3.9, 3.9000001, -3.9000001, 4, -4, 4.5, -4.5, 13.2,
            -13.2, 87.3, -87.3, 1e-40, -1e-40, 1e30, -1e30, .infinity, -.infinity, .nan,
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
        ]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<count).map { i in
            if i < special.count { return special[i] }
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let unit = Float(state >> 40) / Float(1 << 24)
            return (unit - 0.5) * (i % 3 == 0 ? 40 : 12)
        }
    }

    static func sameBits(_ a: Float, _ b: Float) -> Bool {
        a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN)
    }

    /// The width the CPU's flags call for, read from `/proc/cpuinfo` (the kernel's view, not
    /// `__builtin_cpu_supports`): 16 with avx512f, 8 with avx2, else 0.
    static func widthFromCPUFlags() throws -> Int32 {
        let info = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flags = try #require(
            info.split(separator: "\n").first { $0.hasPrefix("flags") }, "no flags line")
        let words = Set(flags.split(separator: " ").map(String.init))
        return words.contains("avx512f") ? 16 : words.contains("avx2") ? 8 : 0
    }

    /// On a host without AVX2 the C path is off and GELU keeps its SSE lanes; wherever the
    /// CPU has it, the primitive's loops hand their parts to the C kernels.
    @Test func theWidthFollowsTheCPUAndGeluUsesIt() throws {
        #if arch(x86_64) && os(Linux)
            #expect(cvectormath_lane_width() == (try Self.widthFromCPUFlags()))
        #endif
        let wide = cvectormath_lane_width() != 0
        #expect(VectorMath.hasWideLanes == wide)
        #expect((Gelu.Forward.wideKernel != nil) == wide)
        #expect((Gelu.Backward.wideKernel != nil) == wide)
    }

    /// 8 lanes wherever there are wide lanes, and 16 too on AVX-512 hosts.
    static var widths: [Int32] { cvectormath_lane_width() == 16 ? [8, 16] : [8] }

    @Test(.enabled(if: cvectormath_lane_width() != 0, "no AVX2: GELU keeps its SSE lanes"))
    func forwardHasTheBitsOfTheSwiftLanes() throws {
        let x = Self.inputs(count: 1000)
        for lanes in Self.widths {
            for count in Array(0...40) + [257, 1000] {
                // One guard element past the end.
                var wide = [Float](repeating: -7, count: count + 1)
                x.withUnsafeBufferPointer { xs in
                    wide.withUnsafeMutableBufferPointer {
                        cvectormath_gelu_forward_lanes(lanes, xs.baseAddress, $0.baseAddress, count)
                    }
                }
                for i in 0..<count {
                    let expected = Gelu.Forward.lanes(SIMD4(repeating: x[i]))[0]
                    #expect(
                        Self.sameBits(wide[i], expected),
                        "\(lanes) lanes, count \(count), x \(x[i])")
                }
                #expect(wide[count] == -7, "\(lanes) lanes, count \(count): wrote past the end")
            }
        }
    }

    @Test(.enabled(if: cvectormath_lane_width() != 0, "no AVX2: GELU keeps its SSE lanes"))
    func backwardHasTheBitsOfTheSwiftLanes() throws {
        let x = Self.inputs(count: 1000)
        let g = Self.inputs(count: 1031).reversed().prefix(1000).map { $0 }
        for lanes in Self.widths {
            for count in Array(0...40) + [257, 1000] {
                var wide = [Float](repeating: -7, count: count + 1)
                x.withUnsafeBufferPointer { xs in
                    g.withUnsafeBufferPointer { gs in
                        wide.withUnsafeMutableBufferPointer {
                            cvectormath_gelu_backward_lanes(
                                lanes,
                                xs.baseAddress, gs.baseAddress, $0.baseAddress, count)
                        }
                    }
                }
                for i in 0..<count {
                    let expected = Gelu.Backward.applyLanes(
                        SIMD4(repeating: x[i]), SIMD4(repeating: g[i]))[0]
                    #expect(
                        Self.sameBits(wide[i], expected),
                        "\(lanes) lanes, count \(count), x \(x[i]), g \(g[i])")
                }
                #expect(wide[count] == -7, "\(lanes) lanes, count \(count): wrote past the end")
            }
        }
    }
}
