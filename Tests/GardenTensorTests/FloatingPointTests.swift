import GardenTensor
import Synchronization
import Testing

@Suite struct FloatingPointTests {
    /// Half the smallest normal float, computed on the calling thread and in each part of a
    /// parallel kernel: zero everywhere once the threads are set, not the subnormal IEEE's
    /// gradual underflow gives.
    @Test func everyComputingThreadFlushesSubnormalsToZero() {
        BLAS.setThreads(2)
        #expect(FloatingPoint.flushesSubnormals)
        let halves = [Float](repeating: 0.5, count: 2)
        let smallest = [Float](repeating: .leastNormalMagnitude, count: 2)
        let products = Mutex<[Float]>([-1, -1])
        let flushing = Mutex<[Bool]>([false, false])
        // Grain 1: two parts, the second on the pool's worker (or on the caller, when another
        // test holds the pool).
        ParallelFor.forEach(2, grain: 1) { part in
            for i in part {
                let product = smallest[i] * halves[i]
                products.withLock { $0[i] = product }
                flushing.withLock { $0[i] = FloatingPoint.flushesSubnormals }
            }
        }
        #expect(products.withLock { $0 } == [0, 0])
        #expect(flushing.withLock { $0 } == [true, true])
        #expect(smallest[0] * halves[0] == 0)
    }
}
