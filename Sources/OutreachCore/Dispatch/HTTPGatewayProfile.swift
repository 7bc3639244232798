/// A ready preset of `HTTPGatewaySettings` for a documented aggregator API:
/// `profile: unifonic` plus the project's own keys (`app_sid: ${…}`) gives a
/// complete generic HTTP gateway. Any generic key written next to `profile`
/// (url, headers, accept_when, …) overrides the preset.
///
/// The shapes follow each provider's public documentation as read when they
/// were written; only Kannel is tested live here, so **check each profile
/// against the provider's current docs** before a real campaign.
/// Pure data: the loader (OutreachProject) and the gateway (OutreachDispatch)
/// both read it.
public struct HTTPGatewayProfile: Sendable {
    /// A value the profile needs from `gateways.yaml`; secret ones are read from the environment and never shown.
    public struct Parameter: Sendable {
        /// The key in gateways.yaml.
        public var key: String
        public var required: Bool
        /// Written as `${ENV}` only, and masked everywhere.
        public var secret: Bool
        public var help: String
    }

    public var name: String
    public var title: String
    /// Where the shape was taken from (to check against).
    public var documentation: String
    public var parameters: [Parameter]
    /// The preset, given the parameters' values (every required one present).
    public let settings: @Sendable (_ values: [String: String]) -> HTTPGatewaySettings

    public static func named(_ name: String) -> HTTPGatewayProfile? {
        all.first { $0.name == name.lowercased() }
    }

    public static let all: [HTTPGatewayProfile] = [unifonic, taqnyat, msegat, fourJawaly, jasmin]

    // MARK: - Profiles

    /// Unifonic REST: form POST with `AppSid`, `SenderID`, `Recipient`
    /// (international digits, no `+`/`00`), `Body`; answers
    /// `{"success": true, "data": {"MessageID": …}}`. Check against the provider's current docs.
    public static let unifonic = HTTPGatewayProfile(
        name: "unifonic", title: "Unifonic SMS REST API",
        documentation: "https://docs.unifonic.com/docs/sending-your-first-sms-via-unifonic-api",
        parameters: [Parameter(key: "app_sid", required: true, secret: true, help: "the application's AppSid")],
        settings: { values in
            let appSID = values["app_sid"] ?? ""
            return HTTPGatewaySettings(
                profile: "unifonic", method: "POST", url: "https://el.cloud.unifonic.com/rest/SMS/messages",
                headers: ["Accept": "application/json"], bodyFormat: .form,
                formFieldPairs: [
                    .init(name: "AppSid", value: appSID),
                    .init(name: "SenderID", value: "{sender}"),
                    .init(name: "Recipient", value: "{to}"),
                    .init(name: "Body", value: "{text}"),
                    .init(name: "responseType", value: "JSON"),
                    .init(name: "CorrelationID", value: "{message_id}"),
                ],
                numberFormat: .digits, acceptWhen: .init(pointer: "/success", equals: "true"),
                messageIDPointer: "/data/MessageID", secrets: [appSID])
        })

    /// Taqnyat: bearer token, JSON `recipients` (digits), `body`, `sender`;
    /// answers 201 with `messageId`. Check against the provider's current docs.
    public static let taqnyat = HTTPGatewayProfile(
        name: "taqnyat", title: "Taqnyat SMS API",
        documentation: "https://dev.taqnyat.sa/en/doc/sms/",
        parameters: [Parameter(key: "token", required: true, secret: true, help: "the account's bearer token")],
        settings: { values in
            let token = values["token"] ?? ""
            return HTTPGatewaySettings(
                profile: "taqnyat", method: "POST", url: "https://api.taqnyat.sa/v1/messages",
                headers: ["Accept": "application/json"], bodyFormat: .json,
                jsonBody: #"{"recipients": ["{to}"], "body": "{text}", "sender": "{sender}"}"#,
                numberFormat: .digits, messageIDPointer: "/messageId", bearerToken: token, secrets: [token])
        })

    /// Msegat: JSON `userName`, `apiKey`, `numbers` (digits), `userSender`,
    /// `msg`, `msgEncoding: UTF8`; answers `{"code": "1", …}` on success
    /// (`M0000` in newer answers). Check against the provider's current docs.
    public static let msegat = HTTPGatewayProfile(
        name: "msegat", title: "Msegat sendsms",
        documentation: "https://msegat.docs.apiary.io/",
        parameters: [
            Parameter(key: "user_name", required: true, secret: false, help: "the account's userName"),
            Parameter(key: "api_key", required: true, secret: true, help: "the account's apiKey"),
        ],
        settings: { values in
            let user = values["user_name"] ?? "", key = values["api_key"] ?? ""
            return HTTPGatewaySettings(
                profile: "msegat", method: "POST", url: "https://www.msegat.com/gw/sendsms.php",
                headers: ["Accept": "application/json"], bodyFormat: .json,
                jsonBody: #"{"userName": \#(JSONText.quoted(user)), "apiKey": \#(JSONText.quoted(key)), "numbers": "{to}", "userSender": "{sender}", "msg": "{text}", "msgEncoding": "UTF8"}"#,
                numberFormat: .digits, acceptWhen: .init(pointer: "/code", equals: #"[1, "M0000"]"#), secrets: [key])
        })

    /// 4jawaly: basic auth with the API key and secret, JSON
    /// `messages: [{text, numbers, sender}]`; answers with a `job_id`. Check
    /// against the provider's current docs.
    public static let fourJawaly = HTTPGatewayProfile(
        name: "4jawaly", title: "4jawaly SMS API v1",
        documentation: "https://github.com/4jawalycom/4jawaly.com_bulk_sms",
        parameters: [
            Parameter(key: "api_key", required: true, secret: true, help: "the API key (basic auth user)"),
            Parameter(key: "api_secret", required: true, secret: true, help: "the API secret (basic auth password)"),
        ],
        settings: { values in
            let key = values["api_key"] ?? "", secret = values["api_secret"] ?? ""
            return HTTPGatewaySettings(
                profile: "4jawaly", method: "POST", url: "https://api-sms.4jawaly.com/api/v1/account/area/sms/send",
                headers: ["Accept": "application/json"], bodyFormat: .json,
                jsonBody: #"{"messages": [{"text": "{text}", "numbers": ["{to}"], "sender": "{sender}"}]}"#,
                numberFormat: .digits, messageIDPointer: "/job_id",
                basicAuth: .init(user: key, password: secret), secrets: [key, secret])
        })

    /// Jasmin's HTTP API: `POST /send` with `username`, `password`, `to`,
    /// `from`, `coding` (0 GSM-7, 8 UCS-2), `content` for GSM-7 or
    /// `hex-content` (UTF-16BE) for UCS-2, and `dlr-url` when delivery
    /// reports are wanted; answers `Success "message-id"`. Check against
    /// Jasmin's current docs (how `content` is read for GSM-7 in particular).
    public static let jasmin = HTTPGatewayProfile(
        name: "jasmin", title: "Jasmin SMS gateway HTTP API",
        documentation: "https://docs.jasminsms.com/en/latest/apis/http/index.html",
        parameters: [
            Parameter(key: "username", required: true, secret: false, help: "the Jasmin user"),
            Parameter(key: "password", required: true, secret: true, help: "the Jasmin user's password"),
            Parameter(key: "dlr_url", required: false, secret: false, help: "where Jasmin posts delivery reports"),
        ],
        settings: { values in
            let password = values["password"] ?? ""
            var fields: [HTTPGatewaySettings.FieldPair] = [
                .init(name: "username", value: values["username"] ?? ""),
                .init(name: "password", value: password),
                .init(name: "to", value: "{to}"),
                .init(name: "from", value: "{sender}"),
                .init(name: "coding", value: "{coding}"),
                .init(name: "content", value: "{gsm7_text}"),
                .init(name: "hex-content", value: "{ucs2_hex}"),
            ]
            if let dlr = values["dlr_url"], !dlr.isEmpty {
                fields += [.init(name: "dlr", value: "yes"), .init(name: "dlr-url", value: dlr), .init(name: "dlr-level", value: "3")]
            }
            var settings = HTTPGatewaySettings(
                profile: "jasmin", method: "POST", url: "http://127.0.0.1:1401/send", bodyFormat: .form,
                formFieldPairs: fields, numberFormat: .digits, secrets: [password])
            settings.messageIDPattern = #"Success "([^"]+)""#
            return settings
        })
}
