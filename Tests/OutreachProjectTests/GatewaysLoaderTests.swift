import Foundation
import Testing
import OutreachCore
@testable import OutreachProject

/// Writes `yaml` to a fresh gateways.yaml and loads it with `environment`.
private func load(_ yaml: String, environment: [String: String] = [:]) throws -> (GatewaysLoader.Result, String) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("outreach-gateways-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent("gateways.yaml").path
    try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    return (GatewaysLoader(environment: environment).load(path), path)
}

/// The only problem of a file that must have exactly one.
private func problem(_ yaml: String, environment: [String: String] = [:]) throws -> OutreachError {
    let (result, _) = try load(yaml, environment: environment)
    #expect(result.problems.count == 1, "problems: \(result.problems)")
    return try #require(result.problems.first)
}

private func gateway(_ yaml: String, environment: [String: String] = [:]) throws -> GatewayConfiguration {
    let (result, _) = try load(yaml, environment: environment)
    #expect(result.problems.isEmpty, "problems: \(result.problems.map(\.description))")
    return try #require(result.gateways.first)
}

@Suite("gateways.yaml loader")
struct GatewaysLoaderTests {
    // MARK: - Every key

    @Test("a kannel gateway with every common and kannel key")
    func kannelEveryKey() throws {
        let g = try gateway("""
        gateways:
          kannel:
            type: kannel
            url: http://127.0.0.1:13013/cgi-bin/sendsms
            username: outreach
            password: ${KANNEL_PASSWORD}
            dlr_mask: 31
            dlr_url: http://127.0.0.1:8080/dlr?id=%i&status=%d
            rate: 50/s
            burst: 10
            concurrency: 16
            connections: 4
            timeout: 45s
            connect_timeout: 500ms
            retry: {attempts: 7, backoff: 2s, max_backoff: 2m, deadline: 1h}
            breaker: {failures: 3, open_for: 10s, max_open_for: 2m}
            smart_encoding: true
            sender: MOH
        """, environment: ["KANNEL_PASSWORD": "s3cret-pass"])
        #expect(g.name == "kannel")
        #expect(g.settings == .kannel(KannelSettings(url: "http://127.0.0.1:13013/cgi-bin/sendsms", username: "outreach",
                                                     password: "s3cret-pass", dlrMask: 31,
                                                     dlrURL: "http://127.0.0.1:8080/dlr?id=%i&status=%d")))
        #expect(g.rate == RateLimit(perSecond: 50, burst: 10))
        #expect(g.concurrency == 16)
        #expect(g.connections == 4)
        #expect(g.timeoutSeconds == 45)
        #expect(g.connectTimeoutSeconds == 0.5)
        #expect(g.retry == RetryPolicy(maxAttempts: 7, initialBackoffSeconds: 2, maxBackoffSeconds: 120, deadlineSeconds: 3600))
        #expect(g.breaker == BreakerPolicy(failures: 3, openSeconds: 10, maxOpenSeconds: 120))
        #expect(g.smartEncoding)
        #expect(g.sender == "MOH")
        #expect(g.channel == .sms)
        #expect(g.secrets == ["s3cret-pass"])
        #expect(g.location?.line == 2)
    }

    @Test("a value read from the environment inside a longer value is a secret on its own (so it is masked wherever it goes)")
    func environmentPartsAreSecrets() throws {
        let g = try gateway("""
            gateways:
              kannel:
                type: kannel
                url: http://127.0.0.1:13013/cgi-bin/sendsms
                username: outreach
                password: ${KANNEL_PASSWORD}
                dlr_url: http://127.0.0.1:8080/hooks/${OUTREACH_WEBHOOK_SECRET}/kannel/dlr?id={message_id}&status=%d
            """, environment: ["KANNEL_PASSWORD": "s3cret-pass", "OUTREACH_WEBHOOK_SECRET": "hook-secret-0123456789"])
        #expect(g.secrets.contains("s3cret-pass"))
        #expect(g.secrets.contains("hook-secret-0123456789"))
    }

    @Test("defaults when only the type-specific keys are given")
    func defaults() throws {
        let g = try gateway("gateways:\n  outbox: {type: file}\n")
        #expect(g.settings == .file(FileOutboxSettings(path: "out/outbox.jsonl", channel: .sms)))
        #expect(g.rate == nil)
        #expect(g.concurrency == 8)
        #expect(g.connections == nil)
        #expect(g.timeoutSeconds == 30)
        #expect(g.retry == RetryPolicy())
        #expect(g.breaker == BreakerPolicy(failures: 5, openSeconds: 30, maxOpenSeconds: 300))
        #expect(!g.smartEncoding)
        #expect(g.sender == nil)
        #expect(g.secrets.isEmpty)
    }

    @Test("rates per second, minute and hour")
    func rates() throws {
        #expect(try gateway("gateways:\n  g: {type: file, rate: 3000/min}\n").rate == RateLimit(perSecond: 50))
        #expect(try gateway("gateways:\n  g: {type: file, rate: 7200/h}\n").rate == RateLimit(perSecond: 2))
        #expect(try gateway("gateways:\n  g: {type: file, rate: unlimited}\n").rate == nil)
    }

    @Test("a twilio gateway")
    func twilio() throws {
        let g = try gateway("""
        gateways:
          twilio:
            type: twilio
            base_url: http://127.0.0.1:8099/
            account_sid: ${TWILIO_ACCOUNT_SID}
            auth_token: ${TWILIO_AUTH_TOKEN}
            messaging_service_sid: MG123
            status_callback: https://outreach.example/status
        """, environment: ["TWILIO_ACCOUNT_SID": "AC0123456789", "TWILIO_AUTH_TOKEN": "tok-abcdef"])
        #expect(g.settings == .twilio(TwilioSettings(baseURL: "http://127.0.0.1:8099", accountSID: "AC0123456789",
                                                     authToken: "tok-abcdef", messagingServiceSID: "MG123",
                                                     statusCallback: "https://outreach.example/status")))
        // The SID came from the environment too: masked as well.
        #expect(Set(g.secrets) == ["AC0123456789", "tok-abcdef"])
    }

    @Test("twilio accepts a phone number as its sender, and needs a sender or a messaging service")
    func twilioSender() throws {
        let env = ["SID": "AC1", "TOKEN": "tok"]
        let g = try gateway("gateways:\n  t: {type: twilio, account_sid: AC1, auth_token: '${TOKEN}', sender: '+14155550100'}\n", environment: env)
        #expect(g.sender == "+14155550100")
        let e = try problem("gateways:\n  t: {type: twilio, account_sid: AC1, auth_token: '${TOKEN}'}\n", environment: env)
        #expect(e.message.contains("needs a 'sender'"))
    }

    @Test("an smtp gateway: the From is its default sender; the password is a secret")
    func smtp() throws {
        let g = try gateway("""
        gateways:
          mail:
            type: smtp
            url: smtps://smtp.example.org:465
            starttls: required
            username: outreach@moh.example
            password: ${SMTP_PASSWORD}
            from: "وزارة الصحة <noreply@moh.example>"
            unsubscribe_url: https://moh.example/unsubscribe?m={message_id}
            unsubscribe_mailto: unsubscribe@moh.example
            message_id_domain: moh.example
        """, environment: ["SMTP_PASSWORD": "mail-pass"])
        #expect(g.settings == .smtp(SMTPSettings(url: "smtps://smtp.example.org:465", startTLS: .required, username: "outreach@moh.example",
                                                 password: "mail-pass", from: "وزارة الصحة <noreply@moh.example>",
                                                 unsubscribeURL: "https://moh.example/unsubscribe?m={message_id}",
                                                 unsubscribeMailto: "unsubscribe@moh.example", messageIDDomain: "moh.example")))
        #expect(g.channel == .email)
        #expect(g.sender == "وزارة الصحة <noreply@moh.example>")
        #expect(g.secrets == ["mail-pass"])
    }

    @Test("a file outbox for email")
    func fileEmail() throws {
        let g = try gateway("gateways:\n  mails: {type: file, path: /tmp/mail.jsonl, allow_outside_project: true, channel: email, sender: 'MOH <a@b.example>'}\n")
        #expect(g.settings == .file(FileOutboxSettings(path: "/tmp/mail.jsonl", channel: .email)))
        #expect(g.channel == .email)
    }

    @Test("a generic http gateway with every http key")
    func genericHTTP() throws {
        let g = try gateway("""
        gateways:
          local:
            type: http
            method: post
            url: https://sms.example/api/send?ref={message_id}
            headers:
              X-Api-Key: ${LOCAL_KEY}
              X-Ref: "{message_id}"
            json: |
              {"to": "{to}", "text": "{text}", "from": "{sender}", "parts": {parts}}
            number_format: "00"
            accept_status: [200, 201-202]
            retry_status: "429, 500-504"
            accept_when: {pointer: /status, equals: OK}
            message_id: /data/id
            basic_auth: {user: outreach, password: "${LOCAL_PASSWORD}"}
            sender: MOH
        """, environment: ["LOCAL_KEY": "key-123456", "LOCAL_PASSWORD": "pw-987654"])
        guard case .http(let http) = g.settings else { Issue.record("not http"); return }
        #expect(http.profile == nil)
        #expect(http.method == "POST")
        #expect(http.url == "https://sms.example/api/send?ref={message_id}")
        #expect(http.headers == ["X-Api-Key": "key-123456", "X-Ref": "{message_id}"])
        #expect(http.bodyFormat == .json)
        #expect(http.jsonBody == "{\"to\": \"{to}\", \"text\": \"{text}\", \"from\": \"{sender}\", \"parts\": {parts}}\n")
        #expect(http.numberFormat == .doubleZero)
        #expect(http.acceptStatuses == [200, 201, 202])
        #expect(http.retryStatuses == [429, 500, 501, 502, 503, 504])
        #expect(http.acceptWhen == .init(pointer: "/status", equals: "\"OK\""))
        #expect(http.messageIDPointer == "/data/id")
        #expect(http.basicAuth == .init(user: "outreach", password: "pw-987654"))
        #expect(Set(http.secrets) == ["key-123456", "pw-987654"])
        #expect(Set(g.secrets) == ["key-123456", "pw-987654"])
    }

    @Test("form fields keep their order; an unquoted {text} means the placeholder; GET sends them as the query")
    func formFields() throws {
        let g = try gateway("""
        gateways:
          get:
            type: http
            method: GET
            url: http://127.0.0.1:9000/send
            form:
              user: outreach
              to: "{to}"
              msg: {text}
              enc: "{encoding}"
            bearer: ${TOKEN}
        """, environment: ["TOKEN": "bearer-token"])
        guard case .http(let http) = g.settings else { Issue.record("not http"); return }
        #expect(http.bodyFormat == .form)
        #expect(http.formFieldPairs.map(\.name) == ["user", "to", "msg", "enc"])
        #expect(http.formFieldPairs.map(\.value) == ["outreach", "{to}", "{text}", "{encoding}"])
        #expect(http.bearerToken == "bearer-token")
    }

    @Test("json written as YAML becomes a JSON template")
    func jsonAsYAML() throws {
        let g = try gateway("""
        gateways:
          y:
            type: http
            url: https://sms.example/send
            json:
              messages:
                - text: "{text}"
                  numbers: ["{to}"]
                  flash: false
                  priority: 2
        """)
        guard case .http(let http) = g.settings else { Issue.record("not http"); return }
        #expect(http.jsonBody == #"{"messages": [{"text": "{text}", "numbers": ["{to}"], "flash": false, "priority": 2}]}"#)
    }

    @Test("accept_when equals: a boolean, a number, a quoted string, or a list")
    func conditions() throws {
        func condition(_ equals: String) throws -> HTTPGatewaySettings.JSONCondition? {
            let g = try gateway("gateways:\n  c: {type: http, url: 'https://x.example', accept_when: {pointer: /ok, equals: \(equals)}}\n")
            guard case .http(let http) = g.settings else { return nil }
            return http.acceptWhen
        }
        #expect(try condition("true")?.equals == "true")
        #expect(try condition("1")?.equals == "1")
        #expect(try condition("\"1\"")?.equals == "\"1\"")
        #expect(try condition("[1, M0000]")?.equals == "[1, \"M0000\"]")
    }

    // MARK: - Profiles

    @Test("a profile with the project's keys gives the preset; generic keys override it")
    func profileWithOverrides() throws {
        let g = try gateway("""
        gateways:
          unifonic:
            type: http
            profile: unifonic
            app_sid: ${UNIFONIC_APP_SID}
            url: http://127.0.0.1:9100/rest/SMS/messages
            headers: {X-Trace: on}
            sender: MOH
        """, environment: ["UNIFONIC_APP_SID": "app-sid-1"])
        guard case .http(let http) = g.settings else { Issue.record("not http"); return }
        var expected = HTTPGatewayProfile.unifonic.settings(["app_sid": "app-sid-1"])
        expected.url = "http://127.0.0.1:9100/rest/SMS/messages"
        expected.headers["X-Trace"] = "on"
        expected.secrets = ["app-sid-1"]
        #expect(http == expected)
        #expect(http.profile == "unifonic")
        #expect(g.secrets == ["app-sid-1"])
    }

    @Test("every profile loads with its parameters", arguments: HTTPGatewayProfile.all.map(\.name))
    func everyProfile(name: String) throws {
        let profile = try #require(HTTPGatewayProfile.named(name))
        var lines = ["gateways:", "  p:", "    type: http", "    profile: \(name)", "    sender: MOH"]
        var env: [String: String] = [:]
        for parameter in profile.parameters {
            let variable = "P_" + parameter.key.uppercased()
            env[variable] = "value-of-\(parameter.key)"
            lines.append("    \(parameter.key): ${\(variable)}")
        }
        let g = try gateway(lines.joined(separator: "\n") + "\n", environment: env)
        guard case .http(let http) = g.settings else { Issue.record("not http"); return }
        #expect(http.profile == name)
        for parameter in profile.parameters where parameter.secret {
            #expect(g.secrets.contains("value-of-\(parameter.key)"))
        }
    }

    @Test("a profile's required key is required, located at the gateway")
    func profileMissingKey() throws {
        let e = try problem("gateways:\n  t:\n    type: http\n    profile: taqnyat\n")
        #expect(e.message == "gateway 't' (profile taqnyat) needs 'token'")
        #expect(e.location?.line == 3)
        #expect(e.hint?.contains("${TOKEN}") == true)
    }

    @Test("an unknown profile is suggested")
    func unknownProfile() throws {
        let e = try problem("gateways:\n  u:\n    type: http\n    profile: unifnic\n    app_sid: x\n")
        #expect(e.code == .unknownName)
        #expect(e.hint?.hasPrefix("did you mean 'unifonic'?") == true)
        #expect(e.location?.line == 4)
    }

    @Test("a profile's keys are unknown without the profile")
    func profileKeyWithoutProfile() throws {
        let e = try problem("gateways:\n  u:\n    type: http\n    url: https://x.example\n    app_sid: x\n")
        #expect(e.message == "unknown key 'app_sid' in a http gateway")
    }

    // MARK: - ${ENV}

    @Test("a missing variable is an error naming it, located at the ${")
    func missingVariable() throws {
        let (result, path) = try load("""
        gateways:
          unifonic:
            type: http
            profile: unifonic
            app_sid: ${UNIFONIC_APP_SID}
        """)
        let e = try #require(result.problems.first)
        #expect(e.message == "environment variable UNIFONIC_APP_SID is not set")
        #expect(e.location == SourceLocation(file: path, line: 5, column: 14))
        #expect(e.hint?.contains("export UNIFONIC_APP_SID=") == true)
        #expect(e.description.hasPrefix("\(path):5:14: error: environment variable UNIFONIC_APP_SID is not set"))
        #expect(result.declaredNames == ["unifonic"])
        #expect(result.gateways.isEmpty)
    }

    @Test("a variable inside a longer value, and the $${ escape")
    func variableInsideValue() throws {
        let g = try gateway("""
        gateways:
          k:
            type: kannel
            url: http://${KANNEL_HOST}:13013/cgi-bin/sendsms
            username: a$${b}
            password: ${P}
        """, environment: ["KANNEL_HOST": "10.0.0.7", "P": "pw12"])
        guard case .kannel(let k) = g.settings else { Issue.record("not kannel"); return }
        #expect(k.url == "http://10.0.0.7:13013/cgi-bin/sendsms")
        #expect(k.username == "a${b}")
    }

    @Test("a malformed reference is a syntax error")
    func malformedReference() throws {
        let e1 = try problem("gateways:\n  k: {type: kannel, url: 'http://x.example', username: u, password: '${P'}\n")
        #expect(e1.message == "'${' without a closing '}'")
        let e2 = try problem("gateways:\n  k: {type: kannel, url: 'http://x.example', username: u, password: '${1P}'}\n")
        #expect(e2.message == "'${1P}' is not an environment variable name")
    }

    @Test("a secret written in the file is refused", arguments: [
        "gateways:\n  k: {type: kannel, url: 'http://x.example', username: u, password: hunter2}\n",
        "gateways:\n  t: {type: http, profile: taqnyat, token: abc}\n",
        "gateways:\n  b: {type: http, url: 'http://x.example', bearer: abc}\n",
        "gateways:\n  b: {type: http, url: 'http://x.example', basic_auth: {user: u, password: abc}}\n",
    ])
    func literalSecret(yaml: String) throws {
        let e = try problem(yaml)
        #expect(e.message.contains("is a secret and must not be written in gateways.yaml"))
        #expect(e.hint?.contains("${") == true)
        #expect(!e.description.contains("hunter2"))
    }

    // MARK: - Bad values

    @Test("a bad rate is located, with the accepted forms", arguments: ["fast", "50", "50/day", "-5/s", "0/s"])
    func badRate(rate: String) throws {
        let (result, path) = try load("gateways:\n  outbox:\n    type: file\n    rate: \(rate)\n")
        let e = try #require(result.problems.first)
        #expect(e.message == "gateway 'outbox': rate '\(rate)' is not a rate")
        #expect(e.location == SourceLocation(file: path, line: 4, column: 11))
        #expect(e.hint?.contains("50/s, 3000/min") == true)
    }

    @Test("a bad sender id is a configuration error", arguments: [
        ("وزارة الصحة", "contains"), ("MinistryOfHealth", "longer than 11"), ("123456", "only digits"), ("MOH_KSA", "contains '_'"),
    ])
    func badSender(sender: String, problemText: String) throws {
        let e = try problem("gateways:\n  outbox:\n    type: file\n    sender: \"\(sender)\"\n")
        #expect(e.message.hasPrefix("gateway 'outbox': sender '\(sender)'"))
        #expect(e.message.contains(problemText))
        #expect(e.location?.line == 4)
    }

    @Test("an unknown key is suggested", arguments: [
        ("concurency", "concurrency"), ("smart_encodng", "smart_encoding"), ("time_out", "timeout"),
    ])
    func unknownKey(key: String, suggestion: String) throws {
        let e = try problem("gateways:\n  outbox:\n    type: file\n    \(key): 4\n")
        #expect(e.code == .unknownName)
        #expect(e.message == "unknown key '\(key)' in a file gateway")
        #expect(e.hint?.hasPrefix("did you mean '\(suggestion)'?") == true)
        #expect(e.location?.line == 4)
        #expect(e.location?.column == 5)
    }

    @Test("an unknown retry key and an unknown type are suggested")
    func unknownRetryKeyAndType() throws {
        let e1 = try problem("gateways:\n  o:\n    type: file\n    retry: {attempts: 3, backof: 1s}\n")
        #expect(e1.hint?.hasPrefix("did you mean 'backoff'?") == true)
        let e2 = try problem("gateways:\n  o:\n    type: twillio\n")
        #expect(e2.message == "gateway 'o' has unknown type 'twillio'")
        #expect(e2.hint?.hasPrefix("did you mean 'twilio'?") == true)
    }

    @Test("an unknown placeholder is suggested, located at its brace")
    func unknownPlaceholder() throws {
        let (result, path) = try load("gateways:\n  h:\n    type: http\n    url: https://x.example/send?to={to}&m={txt}\n")
        let e = try #require(result.problems.first)
        #expect(e.message == "unknown placeholder '{txt}'")
        #expect(e.hint?.hasPrefix("did you mean '{text}'?") == true)
        #expect(e.location == SourceLocation(file: path, line: 4, column: 43))
    }

    @Test("other bad values", arguments: [
        ("gateways:\n  o: {type: file, concurrency: 0}\n", "'concurrency' must be a whole number from 1 to 10000"),
        ("gateways:\n  o: {type: file, timeout: soon}\n", "'timeout' must be a duration such as 30s, 500ms, 2m or 1h"),
        ("gateways:\n  o: {type: file, smart_encoding: maybe}\n", "'smart_encoding' must be true or false"),
        ("gateways:\n  o: {type: file, burst: 5}\n", "gateway 'o': 'burst' needs a 'rate'"),
        ("gateways:\n  o: {type: file, retry: {backoff: 10s, max_backoff: 1s}}\n", "gateway 'o': retry max_backoff is shorter than backoff"),
        ("gateways:\n  o: {type: file, breaker: {open_for: 10m, max_open_for: 1m}}\n", "gateway 'o': breaker max_open_for is shorter than open_for"),
        ("gateways:\n  h: {type: http, url: 'https://x.example', concurrency: 4, connections: 8}\n",
         "gateway 'h': connections (8) is more than concurrency (4)"),
        ("gateways:\n  o: {type: file, connections: 2}\n", "unknown key 'connections' in a file gateway"),
        ("gateways:\n  o: {type: file, breaker: {failures: 0}}\n", "'failures' must be a whole number from 1 to 10000"),
        ("gateways:\n  o: {type: file, breaker: {failure: 3}}\n", "unknown key 'failure' in breaker"),
        ("gateways:\n  o: {type: file, channel: fax}\n", "unknown channel 'fax'"),
        ("gateways:\n  h: {type: http, url: 'ftp://x.example'}\n", "gateway 'h': 'url' must be an absolute http:// or https:// URL"),
        ("gateways:\n  h: {type: http, url: 'https://x.example', method: DELETE}\n", "gateway 'h': method must be GET, POST or PUT"),
        ("gateways:\n  h: {type: http, url: 'https://x.example', number_format: local}\n", "gateway 'h': number_format must be e164 (+9665…), digits (9665…) or 00 (009665…)"),
        ("gateways:\n  h: {type: http, url: 'https://x.example', accept_status: [200, 700]}\n", "'700' in 'accept_status' is not an HTTP status or range"),
        ("gateways:\n  h: {type: http, url: 'https://x.example', json: '{\"to\": {to}'}\n", "'json' is not valid JSON once its placeholders are filled in"),
        ("gateways:\n  h: {type: http, url: 'https://x.example', form: {a: b}, json: '{}'}\n", "gateway 'h': give either 'form' or 'json', not both"),
        ("gateways:\n  h: {type: http, url: 'https://x.example', message_id: data.id}\n", "gateway 'h': message_id must be a JSON pointer such as /data/MessageID"),
        ("gateways:\n  h: {type: http, url: 'https://x.example', message_id_pattern: 'no group'}\n", "gateway 'h': message_id_pattern must be a regular expression with one capture group"),
        ("gateways:\n  h: {type: http, url: 'https://x.example', headers: {'X-A': \"a\\nb\"}}\n", "header 'X-A' must be one line"),
        ("gateways:\n  s: {type: smtp, url: 'smtp://127.0.0.1:25', from: nobody}\n", "gateway 's': 'from' must be one address line, e.g. Name <user@domain>"),
        ("gateways:\n  'bad name': {type: file}\n", "gateway name 'bad name' must be letters, digits, '_', '-' or '.'"),
        ("gateways:\n  o: {rate: 5/s}\n", "gateway 'o' needs 'type'"),
        ("gateway:\n  o: {type: file}\n", "unknown key 'gateway' in gateways.yaml"),
    ])
    func badValues(yaml: String, message: String) throws {
        let e = try problem(yaml)
        #expect(e.message == message)
        #expect(e.location?.line != nil)
    }

    @Test("odd documents give a located problem, never a crash", arguments: [
        "- a\n- b\n", "gateways: [a, b]\n", "gateways: text\n", "gateways:\n  a: [1]\n", "gateways:\n  a: {type: [file]}\n",
        "gateways:\n  a: {type: file, retry: 3}\n", "gateways:\n  a: {type: http, url: 'http://x.example', headers: [a]}\n",
        "gateways:\n  a: {type: http, url: 'http://x.example', form: [a]}\n", "gateways:\n  a: {type: http, url: 'http://x.example', json: '{'}\n",
        "gateways:\n  a: {type: http, url: 'http://x.example', accept_when: true}\n",
        "gateways:\n  a: {type: http, url: 'http://x.example', accept_when: {pointer: /x, equals: {a: 1}}}\n",
        "gateways:\n  a: {type: http, url: 'http://x.example', accept_status: {a: 1}}\n",
        "gateways:\n  a: {type: http, url: 'http://x.example', accept_status: '600-100'}\n",
        "gateways:\n  a: {type: http, url: 'http://x.example', basic_auth: 'u:p'}\n",
        "gateways:\n  a: {type: file, sender: [MOH]}\n", "gateways:\n  a: {type: file, rate: '${'}\n",
        "gateways:\n  a: {type: kannel}\n", "gateways:\n  a: {type: smtp}\n", "gateways:\n  a: {type: twilio}\n",
        "gateways:\n  a: {type: file\n", "\u{FEFF}gateways:\n  a: {type: file, path: [x]}\n",
    ])
    func oddDocuments(yaml: String) throws {
        let (result, _) = try load(yaml)
        #expect(!result.problems.isEmpty)
        #expect(result.problems.allSatisfy { $0.location != nil })
    }

    @Test("one broken gateway does not hide the others")
    func brokenGatewayKeepsOthers() throws {
        let (result, _) = try load("gateways:\n  a: {type: file, rate: fast}\n  b: {type: file}\n  c: {type: nope}\n")
        #expect(result.gateways.map(\.name) == ["b"])
        #expect(result.declaredNames == ["a", "b", "c"])
        #expect(result.problems.count == 2)
    }

    @Test("a missing file is no gateways; an empty one too")
    func missingFile() throws {
        let result = GatewaysLoader(environment: [:]).load("/nonexistent/gateways.yaml")
        #expect(result.gateways.isEmpty && result.problems.isEmpty)
        let (empty, _) = try load("# nothing yet\n")
        #expect(empty.gateways.isEmpty && empty.problems.isEmpty)
        let (null, _) = try load("gateways:\n")
        #expect(null.gateways.isEmpty && null.problems.isEmpty)
    }

    @Test("loadOrThrow throws the first problem")
    func loadOrThrow() throws {
        let (_, path) = try load("gateways:\n  a: {type: file, rate: fast}\n")
        #expect(throws: OutreachError.self) { try GatewaysLoader(environment: [:]).loadOrThrow(path) }
    }
}

@Suite("gateways.yaml: http callback and inbound mappings")
struct HTTPCallbackMappingLoaderTests {
    static let head = "gateways:\n  agg:\n    type: http\n    profile: unifonic\n    app_sid: ${APP_SID}\n    sender: MOH\n"
    static let environment = ["APP_SID": "app-sid-1"]

    @Test("callback and inbound with every key")
    func everyKey() throws {
        let g = try gateway(Self.head + """
                callback:
                  format: json
                  message_id: /data/id
                  id: ours
                  status: /data/status
                  delivered: [DELIVRD, Delivered]
                  failed: UNDELIV
                  expired: [EXPIRED]
                  reason: /data/error
                inbound: {from: sender, text: message}

            """, environment: Self.environment)
        guard case .http(let http) = g.settings else { Issue.record("not http"); return }
        let callback = try #require(http.callback)
        #expect(callback == HTTPCallbackMapping(format: .json, messageIDField: "/data/id", idKind: .ours, statusField: "/data/status",
                                                statuses: ["delivrd": .delivered, "delivered": .delivered, "undeliv": .failed, "expired": .expired],
                                                reasonField: "/data/error"))
        #expect(callback.status(for: "Delivrd") == .delivered && callback.status(for: "ENROUTE") == nil)
        #expect(http.inbound == HTTPInboundMapping(format: .form, fromField: "sender", textField: "message"))
        let gateways = WebhookGateways([g])
        #expect(gateways.callbacks["agg"] == callback && gateways.inbound["agg"] != nil && gateways.twilioAuthTokens.isEmpty)
    }

    @Test("bad mappings are located errors", arguments: [
        ("callback: {status: s, delivered: [D]}", "gateway 'agg''s callback needs 'message_id'", 7),
        ("callback: {message_id: id, delivered: [D]}", "gateway 'agg''s callback needs 'status'", 7),
        ("callback: {message_id: id, status: s}", "gateway 'agg''s callback maps no status value", 7),
        ("callback: {message_id: id, status: s, delivered: [D], failed: [D]}", "gateway 'agg''s callback: status 'D' is both delivered and failed", 7),
        ("callback: {message_id: id, status: s, delivered: [D], format: xml}", "gateway 'agg': format must be form or json", 7),
        ("callback: {message_id: id, status: s, delivered: [D], id: mine}", "gateway 'agg''s callback: id must be provider or ours", 7),
        ("callback: {message_id: id, status: s, delivered: [D], stat: x}", "unknown key 'stat' in callback", 7),
        ("inbound: {from: sender}", "gateway 'agg''s inbound needs 'text'", 7),
        ("inbound: {from: sender, text: message, body: x}", "unknown key 'body' in inbound", 7),
    ])
    func bad(line: String, message: String, lineNumber: Int) throws {
        let e = try problem(Self.head + "    \(line)\n", environment: Self.environment)
        #expect(e.message.hasPrefix(message), "\(e.message)")
        #expect(e.location?.line == lineNumber)
    }
}
