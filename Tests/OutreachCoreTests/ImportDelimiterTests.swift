import Testing
import OutreachCore

/// `delimiter:` in the schema, and a header that says when it is needed.
struct ImportDelimiterTests {
    static let rows = [["1", "سارة", "+966551234567"], ["2", "Ali", "∅"]]

    @Test("a declared delimiter splits records", arguments: [CSVDelimiter.semicolon, .tab, .pipe, .comma])
    func declaredDelimiter(delimiter: CSVDelimiter) throws {
        let d = String(UnicodeScalar(delimiter.rawValue))
        let text = ["national_id", "name", "mobile"].joined(separator: d) + "\r\n"
            + ["1", "\"سارة\"", "0551234567"].joined(separator: d) + "\r\n" + ["2", "Ali", ""].joined(separator: d) + "\r\n"
        let schema = PopulationSchema(idField: "national_id", fields: ["mobile": .phone], delimiter: delimiter)
        let (population, report) = try importPopulation(text, schema: schema, chunkSizes: [1])
        #expect(rowTexts(population) == Self.rows)
        #expect(report.totalRejectedRows == 0)
    }

    @Test("a header that splits better on another delimiter says which, and the schema key to set", arguments: [
        ("national_id;name;mobile", "';' (3 columns) than on ',' (1)", #"delimiter: ";""#),
        ("national_id\tname\tmobile", "tab (3 columns) than on ',' (1)", "delimiter: tab"),
        ("national_id|name", "'|' (2 columns) than on ',' (1)", #"delimiter: "|""#),
    ])
    func wrongDelimiterIsNamed(header: String, message: String, hint: String) throws {
        let schema = PopulationSchema(idField: "national_id")
        #expect { try importPopulation(header + "\n1;x;y\n", schema: schema, fileName: "p.csv") } throws: { error in
            let e = error as! OutreachError
            return e.message.contains("the header splits better on " + message) && e.hint == "set `\(hint)` in the schema"
                && e.location == SourceLocation(file: "p.csv", line: 1, column: 1)
        }
    }

    @Test("a file without a header row is named as such, without printing its values")
    func recordWhereTheHeaderShouldBe() throws {
        let text = "PII_MARKER_1,PII_MARKER_2,0551234567\nPII_MARKER_3,PII_MARKER_4,0551234568\n"
        #expect { try importPopulation(text, schema: PopulationSchema(idField: "national_id")) } throws: { error in
            let e = error as! OutreachError
            return e.message.contains("line 1 looks like a record, not a header (column 3 holds a phone number)")
                && !e.description.contains("PII_MARKER") && !e.description.contains("0551234567")
        }
    }

    @Test("a misnamed id column gets a suggestion")
    func misnamedID() throws {
        #expect { try importPopulation("nationalid,name\n1,x\n", schema: PopulationSchema(idField: "national_id")) } throws: { error in
            (error as! OutreachError).hint?.hasPrefix("did you mean \"nationalid\"?") == true
        }
    }

    @Test("schema delimiter names")
    func names() {
        #expect(CSVDelimiter(name: ";") == .semicolon)
        #expect(CSVDelimiter(name: "\t") == .tab)
        #expect(CSVDelimiter(name: "TAB") == .tab)
        #expect(CSVDelimiter(name: "|") == .pipe)
        #expect(CSVDelimiter(name: ",") == .comma)
        #expect(CSVDelimiter(name: ":") == nil)
    }
}

/// A quote left open swallows the records after it: counted honestly,
/// located where it opened.
struct ImportUnclosedQuoteTests {
    static let schema = PopulationSchema(idField: "id")

    /// 11 records; the quote opened on line 6 (record 5) is never closed.
    static let elevenRecords = "id,name\n1,a\n2,b\n3,c\n4,d\n5,\"e\n6,f\n7,g\n\n8,h\n9,i\n10,j\n11,k\n"

    @Test("a quote never closed: every record it swallowed is counted as lost, from the line it opened on")
    func unterminatedQuoteCountsEveryLostRecord() throws {
        let (population, report) = try importPopulation(Self.elevenRecords, schema: Self.schema)
        #expect(population.count == 4)
        #expect(report.rowsRead == 11)
        #expect(report.rowsImported == 4)
        #expect(report.totalRejectedRows == 7)
        #expect(report.recordsLostToQuotes == 7)
        let rejection = try #require(report.rejectedRows.first { $0.reason == .unterminatedQuote })
        #expect(rejection.count == 7)
        #expect(rejection.examples == [.init(line: 6, detail: "the quote opened on line 6 is never closed: 7 records lost (lines 6–13)")])
    }

    @Test("the same, one byte at a time and in CRLF")
    func unterminatedQuoteChunkedAndCRLF() throws {
        let crlf = Self.elevenRecords.replacingOccurrences(of: "\n", with: "\r\n")
        for text in [Self.elevenRecords, crlf] {
            let (_, report) = try importPopulation(text, schema: Self.schema, chunkSizes: [1])
            #expect(report.rowsRead == 11 && report.totalRejectedRows == 7 && report.recordsLostToQuotes == 7)
        }
    }

    @Test("a stray quote closed by a later one loses the lines between, and is located where it opened")
    func runawayQuote() throws {
        let text = "id,name,city\n1,a,x\n2,\"b,y\n3,c,z\n4,\"d\",w\n5,e,v\n"
        let (population, report) = try importPopulation(text, schema: Self.schema)
        #expect(rowTexts(population).map { $0[0] } == ["1", "5"])
        #expect(report.rowsRead == 5)
        #expect(report.recordsLostToQuotes == 3)
        let rejection = try #require(report.rejectedRows.first { $0.reason == .runawayQuote })
        #expect(rejection.examples == [.init(line: 3, detail: "the quote opened on line 3 closes on a later line: 3 records lost (lines 3–5)")])
    }

    @Test("a well-closed multi-line field in a row with a column too many rejects that one row")
    func multiLineFieldInAWrongRow() throws {
        let text = "id,name\n1,a,\"see note, attached\nsecond line\"\n2,b\n"
        let (population, report) = try importPopulation(text, schema: Self.schema)
        #expect(population.count == 1)
        #expect(report.rowsRead == 2 && report.count(of: .wrongColumnCount) == 1 && report.recordsLostToQuotes == 0)
    }

    @Test("legitimate multi-line quoted fields still import")
    func multiLineFieldsStillWork() throws {
        let text = "id,address,city\n1,\"12 King Fahd Rd\nBuilding 4\nRiyadh\",x\n2,\"one line\",y\n"
        let (population, report) = try importPopulation(text, schema: Self.schema)
        #expect(rowTexts(population) == [["1", "12 King Fahd Rd\nBuilding 4\nRiyadh", "x"], ["2", "one line", "y"]])
        #expect(report.totalRejectedRows == 0 && report.recordsLostToQuotes == 0)
    }
}
