import Foundation

/// Writes outbox payloads: the same bytes as `Outbox.encoder` (Foundation's `JSONEncoder` with
/// sorted keys, unescaped slashes and times in `Outbox.utcTimestamp` form), several times faster.
/// Payloads are written inside the write transaction, where every microsecond holds up the next
/// visitor's commit; Foundation's encoder was a quarter of a queue action's time there.
///
/// Values it does not write the same way for certain (floating point, `Data`, `Decimal`, `URL`)
/// make it throw `Unsupported`, and the caller uses Foundation's encoder.
enum OutboxJSON {
    struct Unsupported: Error {}

    static func encode(_ value: some Encodable) throws -> String {
        let slot = Slot()
        try write(value, into: slot, path: [])
        var output = ""
        output.reserveCapacity(512)
        slot.serialize(into: &output)
        return output
    }

    /// One value of the tree: written text, or a container still being filled.
    fileprivate final class Slot {
        enum Value {
            case empty
            case text(String)
            case array(ArrayNode)
            case object(ObjectNode)
        }
        var value: Value = .empty

        init(_ value: Value = .empty) { self.value = value }

        func serialize(into output: inout String) {
            switch value {
            case .empty: output += "{}"
            case .text(let text): output += text
            case .array(let node):
                output += "["
                for (index, item) in node.items.enumerated() {
                    if index > 0 { output += "," }
                    item.serialize(into: &output)
                }
                output += "]"
            case .object(let node):
                output += "{"
                var first = true
                for key in node.fields.keys.sorted() {
                    if !first { output += "," }
                    first = false
                    OutboxJSON.quote(key, into: &output)
                    output += ":"
                    node.fields[key]!.serialize(into: &output)
                }
                output += "}"
            }
        }
    }

    fileprivate final class ArrayNode {
        var items: [Slot] = []
    }

    fileprivate final class ObjectNode {
        var fields: [String: Slot] = [:]
    }

    fileprivate static func write(_ value: some Encodable, into slot: Slot, path: [any CodingKey]) throws {
        switch value {
        case let text as String: slot.value = .text(quoted(text))
        case let date as Date: slot.value = .text(quoted(Outbox.utcTimestamp(date)))
        case is Data, is Decimal, is URL, is Double, is Float: throw Unsupported()
        default: try value.encode(to: SlotEncoder(slot: slot, codingPath: path))
        }
    }

    static func quoted(_ text: String) -> String {
        var output = ""
        quote(text, into: &output)
        return output
    }

    /// JSON string escaping as Foundation writes it: quote, backslash and control characters;
    /// everything else (Cyrillic included) as UTF-8.
    static func quote(_ text: String, into output: inout String) {
        output += "\""
        var plain = true
        for byte in text.utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            plain = false
            break
        }
        if plain {
            output += text
        } else {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": output += "\\\""
                case "\\": output += "\\\\"
                case "\n": output += "\\n"
                case "\r": output += "\\r"
                case "\t": output += "\\t"
                case "\u{08}": output += "\\b"
                case "\u{0C}": output += "\\f"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}

private struct SlotEncoder: Encoder {
    let slot: OutboxJSON.Slot
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let node: OutboxJSON.ObjectNode
        if case .object(let existing) = slot.value {
            node = existing
        } else {
            node = OutboxJSON.ObjectNode()
            slot.value = .object(node)
        }
        return KeyedEncodingContainer(KeyedSlotContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let node: OutboxJSON.ArrayNode
        if case .array(let existing) = slot.value {
            node = existing
        } else {
            node = OutboxJSON.ArrayNode()
            slot.value = .array(node)
        }
        return UnkeyedSlotContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleSlotContainer(slot: slot, codingPath: codingPath)
    }
}

/// Text of the scalar values every container writes alike.
private enum Scalar {
    static func text(_ value: Bool) -> String { value ? "true" : "false" }
    static func text(_ value: some BinaryInteger) -> String { String(value) }
}

/// The scalar methods of the unkeyed and single-value containers (the same requirements in both
/// protocols), written once in terms of `write`.
private protocol ScalarWriting {
    func write(_ text: String)
}

extension ScalarWriting {
    mutating func encodeNil() throws { write("null") }
    mutating func encode(_ value: Bool) throws { write(Scalar.text(value)) }
    mutating func encode(_ value: String) throws { write(OutboxJSON.quoted(value)) }
    mutating func encode(_ value: Double) throws { throw OutboxJSON.Unsupported() }
    mutating func encode(_ value: Float) throws { throw OutboxJSON.Unsupported() }
    mutating func encode(_ value: Int) throws { write(Scalar.text(value)) }
    mutating func encode(_ value: Int8) throws { write(Scalar.text(value)) }
    mutating func encode(_ value: Int16) throws { write(Scalar.text(value)) }
    mutating func encode(_ value: Int32) throws { write(Scalar.text(value)) }
    mutating func encode(_ value: Int64) throws { write(Scalar.text(value)) }
    mutating func encode(_ value: UInt) throws { write(Scalar.text(value)) }
    mutating func encode(_ value: UInt8) throws { write(Scalar.text(value)) }
    mutating func encode(_ value: UInt16) throws { write(Scalar.text(value)) }
    mutating func encode(_ value: UInt32) throws { write(Scalar.text(value)) }
    mutating func encode(_ value: UInt64) throws { write(Scalar.text(value)) }
}

private struct KeyedSlotContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: OutboxJSON.ObjectNode
    let codingPath: [any CodingKey]

    private func put(_ text: String, _ key: Key) { node.fields[key.stringValue] = OutboxJSON.Slot(.text(text)) }

    mutating func encodeNil(forKey key: Key) throws { put("null", key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { put(Scalar.text(value), key) }
    mutating func encode(_ value: String, forKey key: Key) throws { put(OutboxJSON.quoted(value), key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { throw OutboxJSON.Unsupported() }
    mutating func encode(_ value: Float, forKey key: Key) throws { throw OutboxJSON.Unsupported() }
    mutating func encode(_ value: Int, forKey key: Key) throws { put(Scalar.text(value), key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { put(Scalar.text(value), key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { put(Scalar.text(value), key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { put(Scalar.text(value), key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { put(Scalar.text(value), key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { put(Scalar.text(value), key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { put(Scalar.text(value), key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { put(Scalar.text(value), key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { put(Scalar.text(value), key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { put(Scalar.text(value), key) }

    mutating func encode(_ value: some Encodable, forKey key: Key) throws {
        let slot = OutboxJSON.Slot()
        try OutboxJSON.write(value, into: slot, path: codingPath + [key])
        node.fields[key.stringValue] = slot
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        let nested = OutboxJSON.ObjectNode()
        node.fields[key.stringValue] = OutboxJSON.Slot(.object(nested))
        return KeyedEncodingContainer(KeyedSlotContainer<NestedKey>(node: nested, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = OutboxJSON.ArrayNode()
        node.fields[key.stringValue] = OutboxJSON.Slot(.array(nested))
        return UnkeyedSlotContainer(node: nested, codingPath: codingPath + [key])
    }

    /// Under `super`, as Foundation writes it.
    mutating func superEncoder() -> any Encoder { superEncoder(named: "super", path: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        superEncoder(named: key.stringValue, path: codingPath + [key])
    }

    private func superEncoder(named name: String, path: [any CodingKey]) -> any Encoder {
        let slot = OutboxJSON.Slot()
        node.fields[name] = slot
        return SlotEncoder(slot: slot, codingPath: path)
    }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}

private struct UnkeyedSlotContainer: UnkeyedEncodingContainer, ScalarWriting {
    let node: OutboxJSON.ArrayNode
    let codingPath: [any CodingKey]
    var count: Int { node.items.count }

    func write(_ text: String) { node.items.append(OutboxJSON.Slot(.text(text))) }

    mutating func encode(_ value: some Encodable) throws {
        let slot = OutboxJSON.Slot()
        try OutboxJSON.write(value, into: slot, path: codingPath + [IndexKey(intValue: count)])
        node.items.append(slot)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        let nested = OutboxJSON.ObjectNode()
        let path = codingPath + [IndexKey(intValue: count)]
        node.items.append(OutboxJSON.Slot(.object(nested)))
        return KeyedEncodingContainer(KeyedSlotContainer<NestedKey>(node: nested, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = OutboxJSON.ArrayNode()
        let path = codingPath + [IndexKey(intValue: count)]
        node.items.append(OutboxJSON.Slot(.array(nested)))
        return UnkeyedSlotContainer(node: nested, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let slot = OutboxJSON.Slot()
        let path = codingPath + [IndexKey(intValue: count)]
        node.items.append(slot)
        return SlotEncoder(slot: slot, codingPath: path)
    }
}

private struct SingleSlotContainer: SingleValueEncodingContainer, ScalarWriting {
    let slot: OutboxJSON.Slot
    let codingPath: [any CodingKey]

    func write(_ text: String) { slot.value = .text(text) }

    mutating func encode(_ value: some Encodable) throws {
        try OutboxJSON.write(value, into: slot, path: codingPath)
    }
}
