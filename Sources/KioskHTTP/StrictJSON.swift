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
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw APIError(status: .badRequest, code: "malformedJSON", message: locales.both("api.malformedJSON"))
        }
        guard let dictionary = object as? [String: Any] else {
            throw APIError(status: .badRequest, code: "notAnObject", message: locales.both("api.notAnObject"))
        }
        if let unknown = dictionary.keys.filter({ !allowedKeys.contains($0) }).sorted().first {
            throw APIError(
                status: .badRequest, code: "unknownField", message: locales.both("api.unknownField"), field: unknown)
        }
        do {
            return try JSONDecoder().decode(Value.self, from: data)
        } catch let DecodingError.typeMismatch(_, context) {
            throw APIError(
                status: .badRequest, code: "wrongType", message: locales.both("api.wrongType"),
                field: context.codingPath.first?.stringValue)
        } catch let DecodingError.valueNotFound(_, context) {
            throw APIError(
                status: .badRequest, code: "wrongType", message: locales.both("api.wrongType"),
                field: context.codingPath.first?.stringValue)
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw APIError(
                status: .badRequest, code: "wrongType", message: locales.both("api.wrongType"),
                field: context.codingPath.first?.stringValue)
        } catch let DecodingError.keyNotFound(key, _) {
            throw APIError(
                status: .badRequest, code: "missingField", message: locales.both("api.missingField"),
                field: key.stringValue)
        } catch {
            // The body is valid JSON, so some value has a type the field cannot take (for
            // example 1.5 for a whole number); find which one by decoding the fields one by one.
            let field = dictionary.keys.sorted().first { key in
                guard let single = try? JSONSerialization.data(withJSONObject: [key: dictionary[key]!]) else {
                    return true
                }
                return (try? JSONDecoder().decode(Value.self, from: single)) == nil
            }
            throw APIError(status: .badRequest, code: "wrongType", message: locales.both("api.wrongType"), field: field)
        }
    }
}
