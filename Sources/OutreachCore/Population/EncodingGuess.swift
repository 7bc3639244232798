/// Tells, from the first bytes of a population file, whether it is in the
/// encoding the schema declares — and if not, which one it probably is.
///
/// Run once on the start of the file (64 KiB), before anything is imported,
/// so a Windows-1256 or UTF-16 export is refused as a whole with the fix,
/// rather than imported as `�����` or read as one garbled column. A stray
/// bad value deeper in a UTF-8 file is not this: it is a rejected value
/// (`TextProblem`).
enum EncodingGuess {
    /// How many bytes are looked at.
    static let sampleSize = 64 << 10
    /// Fewer invalid sequences than this, outside the header, are taken
    /// for bad values rather than a wrong encoding.
    static let minimumInvalid = 16

    /// An error when `sample` (the file's first bytes; `complete` when it
    /// is the whole file) does not fit `declared`.
    static func problem(in sample: UnsafeBufferPointer<UInt8>, complete: Bool, declared: PopulationEncoding,
                        fileName: String?) -> OutreachError? {
        let utf16 = utf16Form(sample)
        switch declared {
        case .utf8:
            if let utf16 {
                return OutreachError(.invalidValue, "the file is \(utf16.name), not UTF-8\(utf16.bom ? " (it starts with the \(utf16.name) byte-order mark)" : "")",
                                     at: SourceLocation(file: fileName, line: 1, column: 1),
                                     hint: "convert it: `iconv -f UTF-16 -t UTF-8 \(shown(fileName)) > converted.csv`, or declare it in the schema: `encoding: utf-16`")
            }
            return notUTF8(sample, complete: complete, fileName: fileName)
        case .utf16:
            if utf16 == nil {
                return OutreachError(.invalidValue, "the schema says the file is UTF-16, but it has no byte-order mark and no UTF-16 text",
                                     at: SourceLocation(file: fileName, line: 1, column: 1),
                                     hint: "remove `encoding:` from the schema if the file is UTF-8, or set the encoding it has")
            }
            return nil
        case .windows1256, .iso88596:
            let scan = UTF8Scan(sample, complete: complete)
            let bom = sample.count >= 3 && sample[0] == 0xEF && sample[1] == 0xBB && sample[2] == 0xBF
            if utf16 != nil || bom || (scan.invalid == 0 && scan.multiByte > 0) {
                let actual = utf16?.name ?? "UTF-8"
                return OutreachError(.invalidValue, "the schema says the file is \(declared), but it is \(actual)",
                                     at: SourceLocation(file: fileName, line: 1, column: 1),
                                     hint: actual == "UTF-8" ? "remove `encoding:` from the schema (UTF-8 is the default)" : "set `encoding: utf-16` in the schema")
            }
            return nil
        }
    }

    /// UTF-16 by its byte-order mark, or by ASCII text with every other byte zero.
    static func utf16Form(_ b: UnsafeBufferPointer<UInt8>) -> (name: String, bom: Bool)? {
        if b.count >= 2 {
            if b[0] == 0xFF && b[1] == 0xFE { return ("UTF-16 LE", true) }
            if b[0] == 0xFE && b[1] == 0xFF { return ("UTF-16 BE", true) }
        }
        let n = min(b.count, 4096) & ~1
        guard n >= 4 else { return nil }
        var evenZeros = 0, oddZeros = 0
        for i in stride(from: 0, to: n, by: 2) {
            if b[i] == 0 { evenZeros += 1 }
            if b[i + 1] == 0 { oddZeros += 1 }
        }
        let pairs = n / 2
        if oddZeros * 3 >= pairs * 2 && evenZeros * 10 < pairs { return ("UTF-16 LE", false) }
        if evenZeros * 3 >= pairs * 2 && oddZeros * 10 < pairs { return ("UTF-16 BE", false) }
        return nil
    }

    /// Counts of UTF-8 sequences in a sample.
    struct UTF8Scan {
        var multiByte = 0
        var invalid = 0
        var firstInvalid: Int?

        init(_ b: UnsafeBufferPointer<UInt8>, complete: Bool) {
            var i = 0
            while i < b.count {
                let problem = TextProblem.first(in: UnsafeBufferPointer(rebasing: b[i...]))
                let at = problem.map { i + $0.byteOffset } ?? b.count
                // In valid UTF-8 every byte from 0xC0 up starts a sequence.
                for k in i..<at where b[k] >= 0xC0 { multiByte += 1 }
                guard let problem else { break }
                if problem.kind == .controlCharacter {
                    if problem.value >= 0x80 { multiByte += 1 }
                    i = at + (problem.value >= 0x80 ? 2 : 1)
                    continue
                }
                // A sequence cut by the end of the sample is not evidence.
                if !complete && at + 4 > b.count { break }
                invalid += 1
                if firstInvalid == nil { firstInvalid = at }
                i = at + 1
            }
        }
    }

    /// Mostly bytes that are not UTF-8: name the likely encoding and the fix.
    static func notUTF8(_ b: UnsafeBufferPointer<UInt8>, complete: Bool, fileName: String?) -> OutreachError? {
        let scan = UTF8Scan(b, complete: complete)
        guard let at = scan.firstInvalid, scan.invalid >= max(1, scan.multiByte) else { return nil }
        var line = 1, lineStart = 0
        for i in 0..<at where b[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        // A few bad values in an otherwise UTF-8 file are those values'
        // problem (rejected values), not the file's; in the header, or a
        // run of them (a few Arabic names in a single-byte encoding make
        // dozens), it is the file's.
        guard line == 1 || scan.invalid >= minimumInvalid else { return nil }
        let guess = singleByteGuess(b)
        let message = "the file is not UTF-8: byte 0x\(TextProblem.hex(UInt32(b[at]), width: 2)) at byte offset \(at) (line \(line)) is not UTF-8"
            + (guess.map { "; it looks like \($0.label)" } ?? "")
        let fix: String
        if let guess {
            fix = "convert it: `iconv -f \(guess.iconv) -t UTF-8 \(shown(fileName)) > converted.csv`"
                + (guess.schema.map { ", or declare it in the schema: `encoding: \($0)` (converted on import)" } ?? "")
        } else {
            fix = "find its encoding (`file -i \(shown(fileName))`) and convert it with `iconv -f ENCODING -t UTF-8`, or set `encoding:` in the schema (utf-8, windows-1256, iso-8859-6, utf-16)"
        }
        return OutreachError(.invalidValue, message, at: SourceLocation(file: fileName, line: line, column: at - lineStart + 1), hint: fix)
    }

    /// Which single-byte encoding the high bytes read best in: the one that
    /// makes the most of them Arabic letters (ISO-8859-6 only if it assigns
    /// every one); Latin when neither reads as Arabic.
    static func singleByteGuess(_ b: UnsafeBufferPointer<UInt8>) -> (label: String, iconv: String, schema: String?)? {
        var high = 0, cp1256Letters = 0, isoLetters = 0
        var isoPossible = true
        func isArabicLetter(_ v: UInt16) -> Bool { (0x0621...0x063A).contains(v) || (0x0641...0x064A).contains(v) || v == 0x067E || v == 0x0686 || v == 0x06AF }
        for c in b where c >= 0x80 {
            high += 1
            if isArabicLetter(PopulationTranscoder.windows1256[Int(c) - 0x80]) { cp1256Letters += 1 }
            let iso = PopulationTranscoder.iso88596[Int(c) - 0x80]
            if iso == 0 { isoPossible = false } else if isArabicLetter(iso) { isoLetters += 1 }
        }
        guard high > 0 else { return nil }
        if isoPossible && isoLetters > cp1256Letters && isoLetters * 2 >= high {
            return ("an Arabic ISO-8859-6 export", "ISO-8859-6", PopulationEncoding.iso88596.rawValue)
        }
        if cp1256Letters * 2 >= high {
            return ("an Arabic Windows-1256 export (or ISO-8859-6)", "CP1256", PopulationEncoding.windows1256.rawValue)
        }
        return ("a Latin single-byte export (Windows-1252 or ISO-8859-1)", "CP1252", nil)
    }

    private static func shown(_ fileName: String?) -> String {
        guard let fileName else { return "in.csv" }
        return fileName.split(separator: "/").last.map(String.init) ?? fileName
    }
}
