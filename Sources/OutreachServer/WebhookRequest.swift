import Hummingbird

/// Reading a webhook's fields: the query string and, for a form POST, the
/// body (at most `maxBodySize` bytes, else 413). Malformed → 400.
enum WebhookRequest {
    static func fields(_ request: Request, maxBodySize: Int, body readBody: Bool) async throws -> FormFields {
        try await form(request, maxBodySize: maxBodySize, body: readBody).fields
    }

    /// The fields (query, then body) and the body's own pairs in order (for a signature over them).
    static func form(_ request: Request, maxBodySize: Int, body readBody: Bool,
                     query fields: FormFields? = nil) async throws -> (fields: FormFields, body: [(String, String)]) {
        let fields = try fields ?? query(request)
        guard readBody else { return (fields, []) }
        // Past the limit, collect throws NIOTooManyBytesError, which Hummingbird answers 413.
        let buffer = try await request.body.collect(upTo: maxBodySize)
        guard buffer.readableBytes > 0 else { return (fields, []) }
        if let type = request.headers[.contentType]?.lowercased(),
           !type.hasPrefix("application/x-www-form-urlencoded") {
            throw HTTPError(.unsupportedMediaType, message: "expected application/x-www-form-urlencoded")
        }
        guard let text = buffer.getString(at: buffer.readerIndex, length: buffer.readableBytes),
              let pairs = FormFields.pairs(encoded: text.trimmingSuffix(while: { $0 == "\n" || $0 == "\r" })) else {
            throw malformed("the body is not valid URL-encoded form data")
        }
        var body: [String: String] = [:]
        for (name, value) in pairs where body[name] == nil { body[name] = value }
        return (fields.merging(FormFields(body)), pairs)
    }

    /// The query string's fields.
    static func query(_ request: Request) throws -> FormFields {
        guard let query = request.uri.query else { return FormFields() }
        guard let parsed = FormFields(encoded: query[...]) else { throw malformed("the query string is not valid URL encoding") }
        return parsed
    }

    static func malformed(_ message: String) -> HTTPError {
        HTTPError(.badRequest, message: message)
    }

    static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: body + "\n")))
    }
}

extension StringProtocol where SubSequence == Substring {
    func trimmingSuffix(while predicate: (Character) -> Bool) -> Substring {
        var end = endIndex
        while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
        return self[..<end]
    }
}
