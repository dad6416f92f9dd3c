import GardenTensor
import GardenTrain
import Testing

@Suite struct DatasetTests {
    let data: InMemoryDataset<SupervisedBatch> = {
        let x = Tensor((0..<40).map(Float.init), shape: [20, 2])
        let y = Tensor(int32: (0..<20).map { Int32($0 % 3) }, shape: [20])
        return InMemoryDataset(SupervisedBatch(inputs: x, targets: y), batchSize: 6, seed: 5)
    }()

    @Test func eachEpochVisitsEveryExampleOnce() {
        for epoch in 0..<3 { #expect(data.order(epoch: epoch).sorted() == Array(0..<20)) }
        #expect(data.order(epoch: 0) != data.order(epoch: 1))
    }

    @Test func batchesArePureFunctionsOfTheStep() {
        let a = data.batch(at: 7), b = data.batch(at: 7)
        #expect(a.inputs.floats == b.inputs.floats)
        #expect(a.targets.int32s == b.targets.int32s)
        #expect(a.inputs.shape == [6, 2])
        // Inputs and targets stay paired: row r holds (2r, 2r+1) and label r % 3.
        for i in 0..<6 {
            let r = Int(a.inputs.floats[i * 2]) / 2
            #expect(Int(a.targets.int32s[i]) == r % 3)
        }
    }

    /// Wide rows split over the threads (a 784-wide batch of 128 rows is 100 K elements): each
    /// row lands whole at its place, Float and Int32 alike, at one thread and at three.
    @Test func gatheredRowsAreTheSourceRowsInOrderAtAnyThreadCount() {
        let width = 1000, count = 300
        let source = Tensor((0..<width * count).map { Float($0) }, shape: [count, 10, 100])
        let ids = Tensor(int32: (0..<width * count).map { Int32($0) }, shape: [count, width])
        let rows = (0..<count).map { ($0 * 7 + 3) % count }
        let saved = ParallelFor.threads
        defer { ParallelFor.setThreads(saved) }
        for threads in [1, 3] {
            ParallelFor.setThreads(threads)
            let floats = gatherRows(source, rows), ints = gatherRows(ids, rows)
            #expect(floats.shape == [count, 10, 100] && ints.shape == [count, width])
            let expected = rows.flatMap { r in (r * width..<(r + 1) * width) }
            #expect(floats.floats == expected.map { Float($0) })
            #expect(ints.int32s == expected.map { Int32($0) })
        }
    }

    @Test func syntheticDataIsDeterministicAndSeeded() {
        let (x1, y1) = SyntheticData.blobs(count: 50, features: 4, classes: 3, noise: 0.5, seed: 1)
        let (x2, y2) = SyntheticData.blobs(count: 50, features: 4, classes: 3, noise: 0.5, seed: 1)
        let (x3, _) = SyntheticData.blobs(count: 50, features: 4, classes: 3, noise: 0.5, seed: 2)
        #expect(x1.floats == x2.floats && y1.int32s == y2.int32s)
        #expect(x1.floats != x3.floats)
        #expect(Set(y1.int32s) == [0, 1, 2])
    }
}
