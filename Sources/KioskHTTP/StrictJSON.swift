import Foundation
import Hummingbird
import KioskCore
import NIOCore

/// Reads a JSON request body the strict way: size capped, must be an object, no unknown keys,
/// each wrong type reported with its field. Problems become 4xx `APIError`s, never a 500.
struct StrictJSON {
    let locales: Locales
    let maxBodyBytes: Int

    func decode<Value: Decodable>(
        _ type: Value.Type, from request: Request, allowedKeys: Set<String>
    ) async throws -> Value {
        if let contentType = request.headers[.contentType],
            !contentType.lowercased().hasPrefix("application/json")
        {
            throw APIError(
                status: .unsupportedMediaType, code: "unsupportedMediaType",
                message: locales.both("api.unsupportedMediaType"))
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw APIError(status: .contentTooLarge, code: "bodyTooLarge", message: locales.both("api.bodyTooLarge"))
        }
        let data = Data(buffer.readableBytesView)
        // Fast path: one parse that also lists the keys. Only a failure pays for the slower
        // diagnosis below, which names what is wrong.
        if let checked = try? JSONDecoder().decode(KeyChecked<Value>.self, from: data) {
            if let unknown = checked.keys.filter({ !allowedKeys.contains($0) }).sorted().first {
                throw APIError(
                    status: .badRequest, code: "unknownField", message: locales.both("api.unknownField"), field: unknown
                )
            }
            return checked.value
        }
        throw diagnose(data, as: Value.self, allowedKeys: allowedKeys)
    }

    /// Why `data` did not decode as a `Value`: malformed JSON, not an object, an unknown key, or
    /// the field whose value has the wrong type.
    func diagnose<Value: Decodable>(_ data: Data, as type: Value.Type, allowedKeys: Set<String>) -> APIError {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            return APIError(status: .badRequest, code: "malformedJSON", message: locales.both("api.malformedJSON"))
        }
        guard let dictionary = object as? [String: Any] else {
            return APIError(status: .badRequest, code: "notAnObject", message: locales.both("api.notAnObject"))
        }
        if let unknown = dictionary.keys.filter({ !allowedKeys.contains($0) }).sorted().first {
            return APIError(
                status: .badRequest, code: "unknownField", message: locales.both("api.unknownField"), field: unknown)
        }
        do {
            _ = try JSONDecoder().decode(Value.self, from: data)
        } catch DecodingError.keyNotFound(let key, _) {
            return APIError(
                status: .badRequest, code: "missingField", message: locales.both("api.missingField"),
                field: key.stringValue)
        } catch {}
        // Some value has a type its field cannot take (a string for a number, 1.5 for a whole
        // number): find which by decoding the fields one by one.
        let field = dictionary.keys.sorted().first { key in
            guard let single = try? JSONSerialization.data(withJSONObject: [key: dictionary[key]!]) else { return true }
            return (try? JSONDecoder().decode(Value.self, from: single)) == nil
        }
        return APIError(status: .badRequest, code: "wrongType", message: locales.both("api.wrongType"), field: field)
    }
}

/// Decodes a value and, in the same parse, the keys of the JSON object it came from.
private struct KeyChecked<Value: Decodable>: Decodable {
    let value: Value
    let keys: [String]

    private struct AnyKey: CodingKey {
        let stringValue: String
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        value = try Value(from: decoder)
    }
}
