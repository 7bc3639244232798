import CCurl
import Testing

@Suite("libcurl smoke")
struct CCurlSmokeTests {
    @Test("links libcurl and reports HTTP and SMTP support")
    func versionAndProtocols() throws {
        let info = outreach_version_info()
        let data = try #require(info?.pointee)
        #expect(data.version_num >= 0x074400) // 7.68 or newer
        var protocols: [String] = []
        var p = data.protocols
        while let name = p?.pointee {
            protocols.append(String(cString: name))
            p = p?.advanced(by: 1)
        }
        #expect(protocols.contains("http"))
        #expect(protocols.contains("smtp"))
    }

    @Test("typed setopt wrappers reach the handle")
    func setoptThroughShim() throws {
        #expect(curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK)
        let handle = try #require(curl_easy_init())
        defer { curl_easy_cleanup(handle) }
        #expect(outreach_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1) == CURLE_OK)
        #expect(outreach_easy_setopt_string(handle, CURLOPT_URL, "http://127.0.0.1:9/") == CURLE_OK)
        // Nothing listens on the discard port: the transfer must fail cleanly.
        #expect(outreach_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, 2000) == CURLE_OK)
        let code = curl_easy_perform(handle)
        #expect(code == CURLE_COULDNT_CONNECT || code == CURLE_OPERATION_TIMEDOUT)
    }
}
