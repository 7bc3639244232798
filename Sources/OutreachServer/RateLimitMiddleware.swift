import Hummingbird

/// Per-source rate limit on the webhook routes (`/hooks/…`, `/unsubscribe/…`): past the limit a source gets
/// 429 with `Retry-After` (whole seconds) and nothing is read or changed. Applied before the secret is
/// checked, so guessing secrets is throttled too.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = WebhookRequestContext
    let limiter: SourceRateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/hooks/") || path.hasPrefix("/unsubscribe/") else { return try await next(request, context) }
        if let wait = limiter.take(context.source(of: request), at: limiter.now) {
            let seconds = max(1, Int(wait.rounded(.up)))
            return Response(status: .tooManyRequests, headers: [.retryAfter: "\(seconds)", .contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "too many requests from this address; retry in \(seconds) s\n")))
        }
        return try await next(request, context)
    }
}
