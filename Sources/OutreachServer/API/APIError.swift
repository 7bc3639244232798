public import Hummingbird

/// An API answer that is not a 200: `{"error": "…"}` with its status. The message says what to change and
/// never holds personal data beyond the one value the request was about.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var message: String
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: APIJSON.encodeError(message))))
    }
}

/// Every answer under `/api/` is JSON, errors included: a 404 for an unknown path, a 405, a 413 from
/// Hummingbird become `{"error": "…"}` too.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/api/") || request.uri.path == "/api" else { return try await next(request, context) }
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            let message = switch error.status {
            case .notFound: "no such API route: see docs/openapi.yaml"
            case .methodNotAllowed: "the API is read-only: use GET"
            default: error.body ?? error.status.reasonPhrase
            }
            throw APIError(error.status, message)
        } catch let error as any HTTPResponseError {
            throw APIError(error.status, error.status.reasonPhrase)
        }
    }
}

/// 503 while the API is off (no `OUTREACH_API_TOKEN`), 401 without the right `Authorization: Bearer` token.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: APIToken?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token else {
            throw APIError(.serviceUnavailable, "the API is off: start `outreach serve` with \(APIToken.environmentVariable) set (at least \(APIToken.minimumLength) characters)")
        }
        let header = request.headers[.authorization] ?? ""
        let scheme = header.prefix(7)
        guard scheme.lowercased() == "bearer ", token.matches(header.dropFirst(7)) else {
            var error = APIError(.unauthorized, header.isEmpty ? "missing Authorization: Bearer <token> header"
                                                                : "wrong API token")
            error.headers[.wwwAuthenticate] = "Bearer"
            throw error
        }
        return try await next(request, context)
    }
}
