import CZlib
public import Foundation

/// gzip bodies of the protocol (RFC 1952), through Debian's zlib.
public enum Gzip {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The body inflates to more than the cap: refused before it can fill memory.
        case tooLarge(limit: Int)
        case corrupt(String)

        public var description: String {
            switch self {
            case .tooLarge(let limit): "the body inflates to more than \(limit) bytes"
            case .corrupt(let reason): "the body is not valid gzip: \(reason)"
            }
        }
    }

    /// True when `data` starts with the gzip magic bytes.
    public static func isCompressed(_ data: some Collection<UInt8>) -> Bool {
        var iterator = data.makeIterator()
        return iterator.next() == 0x1F && iterator.next() == 0x8B
    }

    public static func compress(_ input: some Collection<UInt8>, level: Int32 = 6) -> Data {
        // windowBits 15 + 16: a gzip wrapper instead of zlib's.
        deflate(input, level: level, windowBits: 15 + 16, dictionary: nil)
    }

    /// Inflates a gzip body, refusing to produce more than `limit` bytes.
    public static func decompress(_ input: some Collection<UInt8>, limit: Int) throws(Failure) -> Data {
        try inflate(input, limit: limit, windowBits: 15 + 16, dictionary: nil)
    }

    /// Deflates with zlib's `windowBits` (31: gzip, 15: zlib) and, for zlib, a preset dictionary.
    static func deflate(_ input: some Collection<UInt8>, level: Int32, windowBits: Int32, dictionary: [UInt8]?)
        -> Data
    {
        let bytes = Array(input)
        var stream = z_stream()
        let status = deflateInit2_(
            &stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
            Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "zlib deflateInit2 failed: \(status)")
        defer { deflateEnd(&stream) }
        if let dictionary {
            let set = dictionary.withUnsafeBufferPointer {
                deflateSetDictionary(&stream, $0.baseAddress, UInt32($0.count))
            }
            precondition(set == Z_OK, "zlib deflateSetDictionary failed: \(set)")
        }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 32)
        let written: Int = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = UInt32(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = UInt32(out.count)
                let result = CZlib.deflate(&stream, Z_FINISH)
                precondition(result == Z_STREAM_END, "zlib deflate did not finish: \(result)")
                return out.count - Int(stream.avail_out)
            }
        }
        return Data(output[0..<written])
    }

    /// Inflates, refusing to produce more than `limit` bytes; a zlib stream that names a preset
    /// dictionary gets `dictionary` (and is refused as corrupt without one or with another).
    static func inflate(_ input: some Collection<UInt8>, limit: Int, windowBits: Int32, dictionary: [UInt8]?)
        throws(Failure) -> Data
    {
        let bytes = Array(input)
        var stream = z_stream()
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corrupt("zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let outcome: Result<Void, Failure> = bytes.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = UInt32(input.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    var status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    if status == Z_NEED_DICT, let dictionary {
                        status = dictionary.withUnsafeBufferPointer {
                            inflateSetDictionary(&stream, $0.baseAddress, UInt32($0.count))
                        }
                        if status == Z_OK { status = CZlib.inflate(&stream, Z_NO_FLUSH) }
                    }
                    return (status, out.count - Int(stream.avail_out))
                }
                if output.count + produced > limit { return .failure(.tooLarge(limit: limit)) }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_STREAM_END:
                    return stream.avail_in == 0 ? .success(()) : .failure(.corrupt("bytes after the end"))
                case Z_OK: continue
                case Z_BUF_ERROR where produced > 0: continue
                case Z_BUF_ERROR: return .failure(.corrupt("truncated"))
                default:
                    let message = stream.msg.map { String(cString: $0) } ?? "status \(status)"
                    return .failure(.corrupt(message))
                }
            }
        }
        try outcome.get()
        return output
    }
}
