/// One language of a compiled template: its messages, locale and formatter caches.
struct CompiledVariant: Sendable {
    let language: String
    let locale: TemplateLocale
    let formatting: LocaleFormatting
    let text: MessageTemplate?
    let subject: MessageTemplate?
    let html: MessageTemplate?
    /// `dir="rtl" lang="ar"`, added to `<html` or to a wrapping `<div>`.
    let htmlAttributes: (dir: String, lang: String)
    let htmlIsDocument: Bool

    init(language: String, locale: TemplateLocale, channel: Channel,
         text: MessageTemplate?, subject: MessageTemplate?, html: MessageTemplate?) {
        self.language = language
        self.locale = locale
        self.formatting = LocaleFormatting(locale: locale, stripsBidiMarks: channel == .sms)
        self.text = text
        self.subject = subject
        self.html = html
        let rtl = locale.isRightToLeft || TemplateLocale.rightToLeftLanguages.contains(language)
        self.htmlAttributes = (rtl ? "rtl" : "ltr", locale.region.map { "\(language)-\($0)" } ?? language)
        self.htmlIsDocument = html.map { HTMLBody.findHTMLTag(in: $0.source) != nil } ?? false
    }

    func render(_ record: some RecordData, channel: Channel) throws(RenderFailure) -> RenderedMessage {
        let pluralLanguage = locale.language
        var message = RenderedMessage(language: language, text: "")
        if let text {
            message.text = try MessageRenderer(parts: text.parts, record: record, formatting: formatting,
                                               language: pluralLanguage, wordLanguage: language, html: false).render()
        }
        if let subject {
            message.subject = try MessageRenderer(parts: subject.parts, record: record, formatting: formatting,
                                                  language: pluralLanguage, wordLanguage: language, html: false).render()
        }
        if let html {
            let body = try MessageRenderer(parts: html.parts, record: record, formatting: formatting,
                                           language: pluralLanguage, wordLanguage: language, html: true).render()
            message.html = HTMLBody.addDirection(to: body, dir: htmlAttributes.dir, lang: htmlAttributes.lang,
                                                 isDocument: htmlIsDocument)
        }
        return message
    }
}

/// HTML helpers: escaping substituted values and adding `dir`/`lang`.
enum HTMLBody {
    /// Escapes `& < > " '`; returns the text itself when there is nothing to escape.
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
            return text
        }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// Where `<html` starts (case-insensitive, followed by space, `>` or `/`), as a UTF-8 offset.
    static func findHTMLTag(in text: String) -> Int? {
        let bytes = Array(text.utf8)
        let pattern: [UInt8] = Array("<html".utf8)
        guard bytes.count > pattern.count else { return nil }
        var i = 0
        while i + pattern.count < bytes.count {
            var match = true
            for j in 0..<pattern.count where (bytes[i + j] | (j == 0 ? 0 : 0x20)) != pattern[j] {
                match = false
                break
            }
            if match {
                let next = bytes[i + pattern.count]
                if next == 0x3E || next == 0x20 || next == 0x09 || next == 0x0A || next == 0x0D || next == 0x2F { return i }
            }
            i += 1
        }
        return nil
    }

    /// Adds `dir` and `lang` to the `<html>` tag of a document (keeping any
    /// the author wrote), or wraps a fragment in `<div dir=… lang=…>`.
    static func addDirection(to body: String, dir: String, lang: String, isDocument: Bool) -> String {
        guard isDocument, let start = findHTMLTag(in: body) else {
            return "<div dir=\"\(dir)\" lang=\"\(lang)\">" + body + "</div>"
        }
        var bytes = Array(body.utf8)
        let nameEnd = start + 5
        var tagEnd = nameEnd
        while tagEnd < bytes.count && bytes[tagEnd] != 0x3E { tagEnd += 1 }
        let tag = String(decoding: bytes[start..<tagEnd], as: UTF8.self).lowercased()
        var added = ""
        if !tag.contains("dir=") { added += " dir=\"\(dir)\"" }
        if !tag.contains("lang=") { added += " lang=\"\(lang)\"" }
        guard !added.isEmpty else { return body }
        bytes.insert(contentsOf: Array(added.utf8), at: nameEnd)
        return String(decoding: bytes, as: UTF8.self)
    }
}
