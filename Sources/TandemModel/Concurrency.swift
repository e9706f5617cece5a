import Foundation

/// Results computed on several threads, one slot each, read once they are all done: how every
/// parallel loop in Tandem collects its answers in a fixed order, whatever order the threads end in.
package final class ResultSlots<Value>: @unchecked Sendable {
    private var slots: [Value?]
    private let lock = NSLock()

    package init(count: Int) { slots = Array(repeating: nil, count: count) }

    package func set(_ index: Int, _ value: Value) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    /// Every slot's value (each must have been set).
    package func values() -> [Value] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}

/// How many threads a parallel loop of `chunks` pieces uses: one per core, at most 8.
package func workerCount(for chunks: Int) -> Int {
    max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8, chunks))
}

extension Array where Element: Sendable {
    /// `map` on all cores, in contiguous shares; the results in order.
    package func concurrentMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        let workers = workerCount(for: count)
        guard workers > 1 else { return map(transform) }
        let slots = ResultSlots<[T]>(count: workers)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            slots.set(w, self[(count * w / workers)..<(count * (w + 1) / workers)].map(transform))
        }
        return slots.values().flatMap { $0 }
    }
}
