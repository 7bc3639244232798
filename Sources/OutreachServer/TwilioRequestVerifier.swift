import Hummingbird
import OutreachCore

/// Checks `X-Twilio-Signature` on the Twilio routes when gateways.yaml gives a Twilio gateway (its
/// `auth_token`): the URL Twilio called is `server.public_url` followed by the path and query the request
/// arrived with (a reverse proxy passes them on unchanged). A missing or wrong signature is 401 and changes
/// nothing. Without a public URL nothing can match: `outreach serve` refuses to start in that case.
struct TwilioRequestVerifier: Sendable {
    let publicURL: String?
    let authTokens: [String]

    var isEnabled: Bool { !authTokens.isEmpty }

    func verify(_ request: Request, body: [(String, String)]) throws {
        guard isEnabled else { return }
        guard let publicURL, let signature = request.headers[HeaderName.xTwilioSignature],
              TwilioSignature.isValid(signature, url: publicURL + request.uri.description, parameters: body,
                                      authTokens: authTokens) else {
            throw HTTPError(.unauthorized, message: "missing or invalid X-Twilio-Signature")
        }
    }
}
