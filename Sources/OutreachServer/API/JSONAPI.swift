public import Hummingbird
public import Logging
import Foundation
import OutreachCore

/// The read-only JSON API under `/api/v1/` (described route by route in docs/openapi.yaml, which a test
/// holds to the routes registered here): campaigns with their reports, audience counts, and a person's
/// message history. Every route asks for the bearer token; without one configured the API answers 503.
/// Logs carry the route and status only — never a person id, an address or a figure of a person.
public enum JSONAPI {
    /// Most messages one history answer lists (`limit`, default 100).
    public static let maxLimit = 1_000
    public static let defaultLimit = 100

    static func register(on router: Router<WebhookRequestContext>, token: APIToken?, readers: APIReaders, logger: Logger) {
        let api = router.group("api/v1").add(middleware: BearerTokenMiddleware(token: token))

        api.get("campaigns") { _, _ -> Response in
            try APIJSON.response(CampaignList(campaigns: try await readers.campaigns.campaignSummaries()))
        }
        api.get("campaigns/:name") { _, context -> Response in
            let name = try parameter("name", context)
            guard let detail = try await readers.campaigns.campaign(named: name) else {
                throw APIError(.notFound, "no campaign '\(name)' in the ledger (a draft that never sent anything is not there)")
            }
            return try APIJSON.response(detail)
        }
        api.get("audiences") { _, _ -> Response in
            try APIJSON.response(try await audienceCounts(nil, readers: readers, logger: logger))
        }
        api.get("audiences/:name") { _, context -> Response in
            let name = try parameter("name", context)
            return try APIJSON.response(try await audienceCounts([name], readers: readers, logger: logger))
        }
        api.get("people/:id/messages") { request, context -> Response in
            let id = try parameter("id", context)
            let limit = try limit(request)
            let entries = try await readers.messages.history(recipientID: id, limit: limit + 1)
            return try APIJSON.response(MessageHistory(personId: id, entries: entries, limit: limit))
        }
        api.get("messages") { request, _ -> Response in
            let query = request.uri.queryParameters
            let phone = query["phone"].map(String.init), email = query["email"].map(String.init)
            guard (phone == nil) != (email == nil), let given = phone ?? email else {
                throw APIError(.badRequest, "give one of phone=… (e.g. phone=%2B966501234567) or email=…")
            }
            guard let address = ContactAddress(given), address.channel == (phone != nil ? .sms : .email) else {
                throw APIError(.badRequest, phone != nil ? "phone is not a mobile number" : "email is not an email address")
            }
            let limit = try limit(request)
            let entries = try await readers.messages.history(address: address.value, limit: limit + 1)
            let optedOut = try await readers.messages.isOptedOut(address.value)
            return try APIJSON.response(MessageHistory(address: address.value, optedOut: optedOut, entries: entries, limit: limit))
        }
    }

    /// Routes when the server has nothing to answer them with (no readers given): every `/api/v1/…` is 503.
    static func registerOff(on router: Router<WebhookRequestContext>) {
        router.group("api/v1").add(middleware: BearerTokenMiddleware(token: nil)).get("**") { _, _ -> Response in
            throw APIError(.serviceUnavailable, "the API is off")
        }
    }

    struct CampaignList: Codable { var campaigns: [CampaignSummary] }

    /// `OutreachError`s of the project (an unknown audience, a population file that does not load) as
    /// answers; logged by code only, since a population problem can quote a record.
    static func audienceCounts(_ names: [String]?, readers: APIReaders, logger: Logger) async throws -> AudienceCounts {
        do {
            return try await readers.audiences.audienceCounts(names)
        } catch let error as OutreachError {
            if error.code == .unknownName { throw APIError(.notFound, error.message) }
            logger.error("api: audiences cannot be counted", metadata: ["code": "\(error.code)"])
            throw APIError(.internalServerError, "audiences cannot be counted: \(error.message)")
        }
    }

    /// A path parameter, percent-decoded (Hummingbird hands them over as written).
    static func parameter(_ name: String, _ context: WebhookRequestContext) throws -> String {
        guard let raw = context.parameters.get(name), let value = raw.removingPercentEncoding, !value.isEmpty,
              value.utf8.count <= 200 else {
            throw APIError(.badRequest, "\(name) is missing or not valid URL encoding")
        }
        return value
    }

    static func limit(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters["limit"] else { return defaultLimit }
        guard let n = Int(text), (1...maxLimit).contains(n) else {
            throw APIError(.badRequest, "limit must be a whole number from 1 to \(maxLimit)")
        }
        return n
    }
}
