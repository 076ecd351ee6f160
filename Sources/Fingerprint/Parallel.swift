import Dispatch
import Foundation

/// Work split over the machine's cores with Dispatch (each index written exactly once).
public enum Parallel {
    /// `transform` applied to 0..<count on up to `workers` threads, results in index order.
    public static func map<T>(count: Int, workers: Int = 2, _ transform: (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        let chunks = max(1, min(workers, count))
        if chunks == 1 { return (0..<count).map(transform) }
        var results = [T?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            withoutActuallyEscaping(transform) { work in
                nonisolated(unsafe) let body = work
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    var i = chunk
                    while i < count {
                        out[i] = body(i)
                        i += chunks
                    }
                }
            }
        }
        return results.map { $0! }
    }
}

/// CPU time of the calling thread, for timings that a loaded machine does not distort much.
public enum ThreadClock {
    /// Seconds of CPU time the calling thread has used.
    public static func seconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
