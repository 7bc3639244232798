import OutreachCore
import Testing

@Suite("CSV cells")
struct CSVCellTests {
    @Test("cells a spreadsheet would read as formulas get a leading quote mark", arguments: [
        ("=1+1", "\"'=1+1\""),
        ("+966551234567", "\"'+966551234567\""),
        ("-5", "\"'-5\""),
        ("@SUM(A1)", "\"'@SUM(A1)\""),
        ("\tx", "\"'\tx\""),
        ("\rx", "\"'\rx\""),
        ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""),
    ])
    func guarded(value: String, expected: String) {
        #expect(CSVCell.escaped(value) == expected)
    }

    @Test("ordinary cells are quoted only when CSV needs it", arguments: [
        ("سارة", "سارة"),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("two\nlines", "\"two\nlines\""),
        ("1+1", "1+1"),
        ("", ""),
    ])
    func plain(value: String, expected: String) {
        #expect(CSVCell.escaped(value) == expected)
    }

    @Test("guarding can be turned off for programs that read the file")
    func unguarded() {
        #expect(CSVCell.escaped("=1+1", guardingFormulas: false) == "=1+1")
        #expect(CSVCell.escaped("=a,b", guardingFormulas: false) == "\"=a,b\"")
    }
}
