import OutreachCore
import Testing

@Suite("SHA-1, HMAC-SHA1 and Twilio's request signature")
struct TwilioSignatureTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }

    @Test("SHA-1 of the FIPS 180 examples", arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
    ])
    func sha1(input: String, digest: String) {
        #expect(Self.hex(SHA1.hash(Array(input.utf8))) == digest)
    }

    @Test("SHA-1 across block boundaries: a million 'a'")
    func sha1Long() {
        #expect(Self.hex(SHA1.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    @Test("HMAC-SHA1 of RFC 2202's cases (short key, key longer than a block)")
    func hmac() {
        #expect(Self.hex(SHA1.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
        #expect(Self.hex(SHA1.hmac(key: [UInt8](repeating: 0xaa, count: 80),
                                   message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
                == "aa4ae5e15272d00e95705637ce8a3b55ed402112")
    }

    static let voiceParameters = [("CallSid", "CA1234567890ABCDE"), ("Caller", "+14158675309"), ("Digits", "1234"),
                                  ("From", "+14158675309"), ("To", "+18005551212")]

    @Test("Twilio's own example (its helper libraries' test vector), whatever order the parameters come in")
    func twilioExample() {
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
        #expect(TwilioSignature.expected(url: url, parameters: Self.voiceParameters, authToken: "12345") == "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
        #expect(TwilioSignature.expected(url: url, parameters: Self.voiceParameters.reversed(), authToken: "12345") == "RSOYDt4T1cUTdK1PDd93/VVr8B8=")
        #expect(TwilioSignature.isValid("RSOYDt4T1cUTdK1PDd93/VVr8B8=", url: url, parameters: Self.voiceParameters, authTokens: ["other", "12345"]))
    }

    @Test("a signature over Arabic text (UTF-8), as Python's hmac computes it")
    func arabic() {
        let parameters = [("MessageSid", "SM1"), ("MessageStatus", "delivered"), ("From", "+966500000000"), ("Body", "إيقاف")]
        #expect(TwilioSignature.expected(url: "https://outreach.example.org/hooks/S/twilio/status", parameters: parameters,
                                         authToken: "tok-abc") == "1gmKBgMlpcQ0pXANbpoaWeffxTA=")
    }

    @Test("refused: another token, another URL, a changed or missing parameter, an empty signature")
    func refused() {
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2", good = "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        #expect(!TwilioSignature.isValid(good, url: url, parameters: Self.voiceParameters, authTokens: ["54321"]))
        #expect(!TwilioSignature.isValid(good, url: url + "&x=1", parameters: Self.voiceParameters, authTokens: ["12345"]))
        var changed = Self.voiceParameters
        changed[2].1 = "1235"
        #expect(!TwilioSignature.isValid(good, url: url, parameters: changed, authTokens: ["12345"]))
        #expect(!TwilioSignature.isValid(good, url: url, parameters: Array(Self.voiceParameters.dropLast()), authTokens: ["12345"]))
        #expect(!TwilioSignature.isValid("", url: url, parameters: Self.voiceParameters, authTokens: ["12345"]))
        #expect(!TwilioSignature.isValid(good, url: url, parameters: Self.voiceParameters, authTokens: []))
    }

    @Test("the URL with the default port written out or left out signs the same request")
    func ports() {
        let signed = TwilioSignature.expected(url: "https://mycompany.com:443/myapp.php?foo=1&bar=2", parameters: Self.voiceParameters,
                                              authToken: "12345")
        #expect(TwilioSignature.isValid(signed, url: "https://mycompany.com/myapp.php?foo=1&bar=2", parameters: Self.voiceParameters,
                                        authTokens: ["12345"]))
        #expect(TwilioSignature.isValid("RSOYDt4T1cUTdK1PDd93/VVr8B8=", url: "https://mycompany.com:443/myapp.php?foo=1&bar=2",
                                        parameters: Self.voiceParameters, authTokens: ["12345"]))
    }
}
